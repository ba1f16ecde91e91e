package health.clinicalops.rollbackorchestrator.communicate.service;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable status in the layout hosted status pages publish ({@code
 * /api/v2/status.json}, {@code /api/v2/summary.json}: {@code page}, {@code status.indicator}
 * none|minor|major|critical, {@code components[].status}, {@code incidents[].incident_updates}),
 * and an Atom feed of the incidents' public updates. Everything comes from a {@link
 * StatusSnapshot}, which holds public text only.
 */
@ApplicationScoped
public class StatusDocuments {

  /** {@code /api/v2/status.json}. */
  public Map<String, Object> status(StatusSnapshot s) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("page", page(s));
    doc.put("status", indicator(s));
    return doc;
  }

  /** {@code /api/v2/summary.json}. */
  public Map<String, Object> summary(StatusSnapshot s) {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("page", page(s));
    List<Object> components = new ArrayList<>();
    for (StatusComponentView c : s.components()) {
      Map<String, Object> component = new LinkedHashMap<>();
      component.put("id", c.id());
      component.put("name", c.name());
      component.put("status", c.status().wireValue());
      component.put(
          "created_at", s.updatedAt().isBefore(c.updatedAt()) ? s.updatedAt() : c.updatedAt());
      component.put("updated_at", c.updatedAt());
      component.put("position", c.position());
      component.put("description", c.description().isEmpty() ? null : c.description());
      component.put("showcase", true);
      component.put("start_date", null);
      component.put("group_id", null);
      component.put("page_id", s.pageId());
      component.put("group", false);
      component.put("only_show_if_degraded", false);
      components.add(component);
    }
    doc.put("components", components);
    doc.put("incidents", s.openIncidents().stream().map(i -> incident(s, i)).toList());
    doc.put("scheduled_maintenances", List.of());
    doc.put("status", indicator(s));
    return doc;
  }

  private static Map<String, Object> page(StatusSnapshot s) {
    Map<String, Object> page = new LinkedHashMap<>();
    page.put("id", s.pageId());
    page.put("name", s.pageName());
    page.put("url", s.pageUrl());
    page.put("time_zone", "Etc/UTC");
    page.put("updated_at", s.updatedAt());
    return page;
  }

  private static Map<String, Object> indicator(StatusSnapshot s) {
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("indicator", s.overall().indicator());
    status.put("description", s.overall().description());
    return status;
  }

  private static Map<String, Object> incident(StatusSnapshot s, PublicIncidentView i) {
    Map<String, Object> incident = new LinkedHashMap<>();
    incident.put("id", String.valueOf(i.id()));
    incident.put("name", i.title());
    incident.put("status", i.status());
    incident.put("created_at", i.startedAt());
    incident.put("updated_at", i.updatedAt());
    incident.put(
        "monitoring_at",
        i.updates().stream()
            .filter(u -> "monitoring".equals(u.status()))
            .map(PublicUpdateView::at)
            .min(Comparator.naturalOrder())
            .orElse(null));
    incident.put("resolved_at", i.resolvedAt());
    incident.put("impact", i.impact());
    incident.put("shortlink", s.pageUrl() + "#incident-" + i.id());
    incident.put("started_at", i.startedAt());
    incident.put("page_id", s.pageId());
    List<Object> updates = new ArrayList<>();
    for (PublicUpdateView u : i.updates()) {
      Map<String, Object> update = new LinkedHashMap<>();
      update.put("id", u.id());
      update.put("status", u.status());
      update.put("body", u.body());
      update.put("incident_id", String.valueOf(i.id()));
      update.put("created_at", u.at());
      update.put("updated_at", u.at());
      update.put("display_at", u.at());
      update.put("affected_components", null);
      updates.add(update);
    }
    incident.put("incident_updates", updates);
    List<Object> components = new ArrayList<>();
    for (StatusComponentView c : s.components()) {
      if (i.componentIds().contains(c.id())) {
        Map<String, Object> component = new LinkedHashMap<>();
        component.put("id", c.id());
        component.put("name", c.name());
        component.put("status", c.status().wireValue());
        components.add(component);
      }
    }
    incident.put("components", components);
    return incident;
  }

  /** The feed's template (src/main/resources/templates/StatusDocuments/atom.xml). */
  @CheckedTemplate
  static class Templates {
    static native TemplateInstance atom(
        StatusSnapshot status, Instant updated, List<FeedEntry> entries);
  }

  /** One entry of the feed: a public update of an incident. */
  public record FeedEntry(PublicIncidentView incident, PublicUpdateView update) {}

  /** An Atom feed (RFC 4287) of the public updates of open and recent incidents, newest first. */
  public String atom(StatusSnapshot s) {
    List<FeedEntry> entries = new ArrayList<>();
    for (List<PublicIncidentView> list : List.of(s.openIncidents(), s.history())) {
      for (PublicIncidentView i : list) {
        for (PublicUpdateView u : i.updates()) {
          entries.add(new FeedEntry(i, u));
        }
      }
    }
    entries.sort(Comparator.comparing((FeedEntry e) -> e.update().at()).reversed());
    Instant updated = entries.isEmpty() ? s.updatedAt() : entries.get(0).update().at();
    return Templates.atom(s, updated, entries).render();
  }
}
