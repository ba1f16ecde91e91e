package health.clinicalops.authguard.domain;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A strictly valid IPv4 or IPv6 address literal (null is left to {@code @NotNull}). */
@Target({
  ElementType.FIELD,
  ElementType.PARAMETER,
  ElementType.RECORD_COMPONENT,
  ElementType.METHOD
})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = ValidIp.Validator.class)
public @interface ValidIp {
  String message() default "must be a valid IPv4 or IPv6 address";

  Class<?>[] groups() default {};

  Class<? extends Payload>[] payload() default {};

  /** Checks with {@link IpAddresses#parse(String)}: no name lookup ever. */
  class Validator implements ConstraintValidator<ValidIp, String> {
    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
      return value == null || IpAddresses.parse(value).isPresent();
    }
  }
}
