package health.clinicalops.rollbackorchestrator.rollback.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which entries of a {@code pg_restore --list} a restore keeps (the audit trail's never). */
class RestoreListTest {

  private static final String TOC =
      """
      ;
      ; Archive created at 2026-11-27 07:10:00 UTC
      ;     dbname: clinicalapp
      ;
      ; Selected TOC Entries:
      ;
      6; 2615 16390 SCHEMA - audit_keeper clinicalops
      230; 1255 16401 FUNCTION audit_keeper refuse_change() clinicalops
      215; 1259 16386 TABLE public AuditLog clinicalops
      214; 1259 16385 SEQUENCE public AuditLog_id_seq clinicalops
      3380; 0 0 SEQUENCE OWNED BY public AuditLog_id_seq clinicalops
      217; 1259 16395 TABLE public ClinicalNote clinicalops
      219; 1259 16397 TABLE public User clinicalops
      3390; 0 16386 TABLE DATA public AuditLog clinicalops
      3391; 0 16395 TABLE DATA public ClinicalNote clinicalops
      3392; 0 16397 TABLE DATA public User clinicalops
      3400; 0 0 SEQUENCE SET public AuditLog_id_seq clinicalops
      3401; 0 0 SEQUENCE SET public ClinicalNote_id_seq clinicalops
      3230; 2606 16392 CONSTRAINT public AuditLog AuditLog_pkey clinicalops
      3232; 2606 16399 CONSTRAINT public ClinicalNote ClinicalNote_pkey clinicalops
      3231; 1259 16393 INDEX public AuditLog_action_idx clinicalops
      3240; 2620 16402 TRIGGER public AuditLog AuditLog_append_only clinicalops
      3250; 2606 16410 FK CONSTRAINT public ClinicalNote ClinicalNote_authorId_fkey clinicalops
      """;

  @Test
  void theAuditTrailAndItsSchemaAreLeftOutEverythingElseIsRestored() {
    var preserved =
        new RestoreFilter.PreservedObjects(
            Set.of("AuditLog"),
            Set.of("AuditLog_pkey", "AuditLog_action_idx", "AuditLog_id_seq"),
            Set.of("audit_keeper"));
    List<String> entries =
        RestoreFilter.restoreList(TOC, preserved).stream().filter(l -> !l.startsWith(";")).toList();
    assertEquals(
        List.of(
            "217; 1259 16395 TABLE public ClinicalNote clinicalops",
            "219; 1259 16397 TABLE public User clinicalops",
            "3391; 0 16395 TABLE DATA public ClinicalNote clinicalops",
            "3392; 0 16397 TABLE DATA public User clinicalops",
            "3401; 0 0 SEQUENCE SET public ClinicalNote_id_seq clinicalops",
            "3232; 2606 16399 CONSTRAINT public ClinicalNote ClinicalNote_pkey clinicalops",
            "3250; 2606 16410 FK CONSTRAINT public ClinicalNote ClinicalNote_authorId_fkey"
                + " clinicalops"),
        entries);
  }

  @Test
  void anOwnerNamedLikeAPreservedSchemaDoesNotHideItsObjects() {
    var preserved = new RestoreFilter.PreservedObjects(Set.of(), Set.of(), Set.of("audit_keeper"));
    String toc = "217; 1259 16395 TABLE public ClinicalNote audit_keeper\n";
    assertEquals(List.of(toc.strip()), RestoreFilter.restoreList(toc, preserved));
  }

  @Test
  void withNothingPreservedTheWholeArchiveIsRestored() {
    var preserved = new RestoreFilter.PreservedObjects(Set.of(), Set.of(), Set.of());
    assertEquals(TOC.lines().toList(), RestoreFilter.restoreList(TOC, preserved));
  }
}
