package health.clinicalops.bench;

import io.quarkus.qute.Engine;
import io.quarkus.qute.EvalContext;
import io.quarkus.qute.Results;
import io.quarkus.qute.Template;
import io.quarkus.qute.ValueResolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The Qute templates of BENCHMARKS.md (standalone engine, no Quarkus runtime), in {@code
 * src/main/resources/templates}. Numbers are formatted in the template with the {@link BenchStats}
 * helpers: {@code {x.num}}, {@code {x.ratio}}, {@code {x.percent}}, {@code {x.fixed}} on a number,
 * {@code {n.grouped}} on a whole number, {@code {xs.joined}} on a list of numbers and {@code
 * {text.cell}} on text in a table cell.
 */
final class BenchTemplates {

  private static final Engine ENGINE =
      Engine.builder()
          .addDefaults()
          .addValueResolver(new RecordResolver())
          .addValueResolvers(
              formatter(Double.class, "num", BenchStats::num),
              formatter(Double.class, "ratio", BenchStats::ratio),
              formatter(Double.class, "percent", BenchStats::percent),
              formatter(Double.class, "fixed", v -> String.format(Locale.ROOT, "%.2f", v)),
              formatter(Long.class, "grouped", v -> String.format(Locale.ROOT, "%,d", v)),
              formatter(Integer.class, "grouped", v -> String.format(Locale.ROOT, "%,d", v)),
              formatter(String.class, "cell", BenchReport::cell),
              formatter(List.class, "joined", BenchTemplates::joined))
          .build();

  private static final Map<String, Template> TEMPLATES = new ConcurrentHashMap<>();

  private BenchTemplates() {}

  /** Renders {@code templates/<name>.md} with {@code data}. */
  static String render(String name, Map<String, Object> data) {
    var instance = TEMPLATES.computeIfAbsent(name, BenchTemplates::load).instance();
    data.forEach(instance::data);
    return instance.render();
  }

  private static Template load(String name) {
    String path = "/templates/" + name + ".md";
    try (InputStream in = BenchTemplates.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("no template " + path);
      }
      return ENGINE.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static String joined(List<?> values) {
    return BenchStats.list((List<Double>) values);
  }

  private static <T> ValueResolver formatter(
      Class<T> type, String name, Function<T, String> format) {
    return ValueResolver.builder()
        .appliesTo(c -> type.isInstance(c.getBase()) && c.getName().equals(name))
        .resolveSync(c -> format.apply(type.cast(c.getBase())))
        .build();
  }

  /**
   * The results are package-private records: their components and no-argument methods are read by
   * reflection from here, where the engine's own reflection could not reach them.
   */
  private static final class RecordResolver implements ValueResolver {

    @Override
    public boolean appliesTo(EvalContext context) {
      return context.getBase() != null
          && context.getBase().getClass().isRecord()
          && context.getParams().isEmpty();
    }

    @Override
    public CompletionStage<Object> resolve(EvalContext context) {
      Object base = context.getBase();
      try {
        Method accessor = base.getClass().getDeclaredMethod(context.getName());
        accessor.setAccessible(true);
        return CompletableFuture.completedFuture(accessor.invoke(base));
      } catch (NoSuchMethodException e) {
        return Results.notFound(context);
      } catch (ReflectiveOperationException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
  }
}
