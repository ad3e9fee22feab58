// The SpEL oracle of Capstan's differential test (spel-differential.test.ts).
//
// Evaluates expressions with Spring's own SpEL, configured the way Orca configures it for stage
// evaluation (see docs/expressions.md and the kork "allow-list" idea), so that the test can compare
// Capstan's evaluator with the real thing:
//   - templates parsed with TemplateParserContext("${", "}"); a string that is one expression keeps
//     its native value, a composite string converts every part to String and keeps the text of a part
//     that is null; any exception leaves the whole string as it was;
//   - maps read as properties (a.b), an unknown key reads as null;
//   - T(...) and `new` reach only a short list of value types; methods and bean properties are
//     visible only when their declared return type is primitive, one of those types or a collection
//     type; getClass(), the Class methods and a few system-property readers are always hidden;
//   - the pure helper functions (#toJson, #readJson, #readYaml, #toInt, #toFloat, #toBoolean,
//     #toBase64, #fromBase64, #alphanumerical) as static methods registered as SpEL functions.
//
// Protocol: JSON lines on stdin, {"id", "expr", "template"?: bool, "context"?: {...}}; one JSON line
// per case on stdout: {"id", "ok": true, "repr", "javaType", "summary"?} or {"id", "ok": false,
// "error"}. "repr" is a canonical rendering both sides compute the same way (see repr()). The
// context is read with Jackson, as Orca reads JSON: whole numbers become Integer (or Long), numbers
// with a point or an exponent Double.
//
// Our own harness: it uses Spring, Jackson and SnakeYAML as libraries and copies no Orca/kork code.

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.text.SimpleDateFormat;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.expression.AccessException;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypeLocator;
import org.springframework.expression.TypedValue;
import org.springframework.expression.common.CompositeStringExpression;
import org.springframework.expression.common.TemplateParserContext;
import org.springframework.expression.spel.SpelEvaluationException;
import org.springframework.expression.spel.SpelMessage;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.ReflectiveMethodResolver;
import org.springframework.expression.spel.support.ReflectivePropertyAccessor;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.expression.spel.support.StandardTypeLocator;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

public final class SpelOracle {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SpelExpressionParser PARSER = new SpelExpressionParser();
  private static final TemplateParserContext TEMPLATE = new TemplateParserContext("${", "}");

  /** Types reachable through T(...) and `new`, and allowed as return types. */
  private static final Set<Class<?>> VALUE_TYPES =
      new HashSet<>(
          Arrays.asList(
              String.class, Date.class, Integer.class, Long.class, Double.class, Byte.class,
              SimpleDateFormat.class, Math.class, Random.class, UUID.class, Boolean.class,
              LocalDate.class, LocalDateTime.class, DayOfWeek.class, Instant.class,
              ChronoUnit.class, URLEncoder.class, TemporalAdjusters.class));

  /** Collection types also allowed as declared return types (exact classes, no subtypes). */
  private static final Set<Class<?>> COLLECTION_TYPES =
      new HashSet<>(
          Arrays.asList(
              Collection.class, Map.class, SortedMap.class, List.class, Set.class,
              SortedSet.class, ArrayList.class, LinkedList.class, HashSet.class,
              LinkedHashSet.class, HashMap.class, LinkedHashMap.class, TreeMap.class,
              TreeSet.class));

  static boolean allowedReturnType(Class<?> type) {
    Class<?> t = type.isArray() ? type.getComponentType() : type;
    return t.isPrimitive() || VALUE_TYPES.contains(t) || COLLECTION_TYPES.contains(t);
  }

  /** Methods hidden whatever they return. */
  static boolean hiddenMethod(Method m) {
    Class<?> owner = m.getDeclaringClass();
    String name = m.getName();
    if (owner == Object.class)
      return !(name.equals("equals") || name.equals("hashCode") || name.equals("toString"));
    if (owner == Class.class) return true;
    return (owner == Boolean.class && name.equals("getBoolean"))
        || (owner == Integer.class && name.equals("getInteger"))
        || (owner == Long.class && name.equals("getLong"));
  }

  /** Method lookup that sees only allowed methods. */
  static final class AllowListMethodResolver extends ReflectiveMethodResolver {
    @Override
    protected Method[] getMethods(Class<?> type) {
      List<Method> visible = new ArrayList<>();
      for (Method m : super.getMethods(type))
        if (!hiddenMethod(m) && allowedReturnType(m.getReturnType())) visible.add(m);
      return visible.toArray(new Method[0]);
    }
  }

  /** Bean properties and public fields, only with an allowed type. */
  static final class AllowListPropertyAccessor extends ReflectivePropertyAccessor {
    @Override
    protected Method findGetterForProperty(String name, Class<?> clazz, boolean mustBeStatic) {
      Method getter = super.findGetterForProperty(name, clazz, mustBeStatic);
      return getter != null && !hiddenMethod(getter) && allowedReturnType(getter.getReturnType())
          ? getter
          : null;
    }

    @Override
    protected Field findField(String name, Class<?> clazz, boolean mustBeStatic) {
      Field field = super.findField(name, clazz, mustBeStatic);
      return field != null && allowedReturnType(field.getType()) ? field : null;
    }
  }

  /** Map entries as properties; an unknown key is null (Orca's stage evaluation). */
  static final class MapKeysAsProperties implements PropertyAccessor {
    @Override
    public Class<?>[] getSpecificTargetClasses() {
      return new Class<?>[] {Map.class};
    }

    @Override
    public boolean canRead(EvaluationContext context, Object target, String name) {
      return target instanceof Map;
    }

    @Override
    public TypedValue read(EvaluationContext context, Object target, String name)
        throws AccessException {
      return new TypedValue(((Map<?, ?>) target).get(name));
    }

    @Override
    public boolean canWrite(EvaluationContext context, Object target, String name) {
      return false;
    }

    @Override
    public void write(EvaluationContext context, Object target, String name, Object value)
        throws AccessException {
      throw new AccessException("read only");
    }
  }

  /** T(...) resolves only the allowed value types. */
  static final class AllowListTypeLocator implements TypeLocator {
    private final StandardTypeLocator standard = new StandardTypeLocator();

    @Override
    public Class<?> findType(String typeName) throws EvaluationException {
      Class<?> type = standard.findType(typeName);
      if (VALUE_TYPES.contains(type)) return type;
      throw new SpelEvaluationException(SpelMessage.TYPE_NOT_FOUND, typeName);
    }
  }

  /** The pure helper functions, with Orca's signatures. */
  public static final class Helpers {
    private Helpers() {}

    public static String toJson(Object o) throws Exception {
      String json = JSON.writeValueAsString(o);
      if (json != null && json.contains("${"))
        throw new IllegalStateException("result for toJson cannot contain an expression");
      return json;
    }

    public static Object readJson(String text) throws Exception {
      return text.startsWith("[") ? JSON.readValue(text, List.class) : JSON.readValue(text, Map.class);
    }

    public static Object readYaml(String text) {
      return new Yaml(new SafeConstructor()).load(text);
    }

    public static Integer toInt(String s) {
      return Integer.valueOf(s);
    }

    public static Float toFloat(String s) {
      return Float.valueOf(s);
    }

    public static Boolean toBoolean(String s) {
      return Boolean.valueOf(s);
    }

    public static String toBase64(String s) {
      return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    public static String fromBase64(String s) {
      return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    public static String alphanumerical(String s) {
      return s.replaceAll("[^A-Za-z0-9]", "");
    }
  }

  static StandardEvaluationContext contextFor(Object root) throws NoSuchMethodException {
    StandardEvaluationContext ctx = new StandardEvaluationContext(root);
    ctx.setTypeLocator(new AllowListTypeLocator());
    ctx.setMethodResolvers(List.of(new AllowListMethodResolver()));
    ctx.setPropertyAccessors(List.of(new MapKeysAsProperties(), new AllowListPropertyAccessor()));
    for (String name :
        List.of("toJson", "readJson", "readYaml", "toInt", "toFloat", "toBoolean", "toBase64",
            "fromBase64", "alphanumerical")) {
      Class<?> param = name.equals("toJson") ? Object.class : String.class;
      ctx.registerFunction(name, Helpers.class.getMethod(name, param));
    }
    return ctx;
  }

  // ---- canonical rendering -------------------------------------------------------------------

  static String quote(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Whole numbers (Integer, Long, ...) print as digits, decimals (Double, Float) with Java's
   * toString and a `d`, strings JSON-quoted, lists `[a,b]`, maps `{key:value}` in iteration order
   * (keys rendered like values, so an Integer key shows as 1 and a String key as "1").
   */
  static String repr(Object v) {
    if (v == null) return "null";
    if (v instanceof String || v instanceof Character) return quote(v.toString());
    if (v instanceof Boolean) return v.toString();
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte
        || v instanceof BigInteger) return v.toString();
    if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) return v + "d";
    StringBuilder sb = new StringBuilder();
    if (v instanceof Map) {
      sb.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!first) sb.append(',');
        first = false;
        sb.append(repr(e.getKey())).append(':').append(repr(e.getValue()));
      }
      return sb.append('}').toString();
    }
    if (v instanceof Collection) {
      sb.append('[');
      boolean first = true;
      for (Object item : (Collection<?>) v) {
        if (!first) sb.append(',');
        first = false;
        sb.append(repr(item));
      }
      return sb.append(']').toString();
    }
    if (v.getClass().isArray()) {
      sb.append('[');
      for (int i = 0; i < Array.getLength(v); i++) {
        if (i > 0) sb.append(',');
        sb.append(repr(Array.get(v, i)));
      }
      return sb.append(']').toString();
    }
    return "<" + v.getClass().getSimpleName() + ":" + v + ">";
  }

  static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    String text = e.getClass().getSimpleName() + ": " + e.getMessage();
    if (root != e) text += " (caused by " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    return text;
  }

  // ---- evaluation ----------------------------------------------------------------------------

  /** Orca's treatment of one string value (kork's ExpressionTransform, reimplemented). */
  static Map<String, Object> template(String text, StandardEvaluationContext ctx) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, List<String>> summary = new LinkedHashMap<>();
    Object result = null;
    String key = null;
    boolean unresolved = false;
    String failure = null;
    try {
      Expression exp = PARSER.parseExpression(text, TEMPLATE);
      // The summary key: the text without its ${ } delimiters, known once the string parsed.
      if (exp instanceof CompositeStringExpression) {
        StringBuilder keyText = new StringBuilder();
        for (Expression part : ((CompositeStringExpression) exp).getExpressions())
          keyText.append(part.getExpressionString());
        key = keyText.toString();
        StringBuilder sb = new StringBuilder();
        for (Expression part : ((CompositeStringExpression) exp).getExpressions()) {
          String value = part.getValue(ctx, String.class);
          if (value == null) {
            value = "${" + part.getExpressionString() + "}";
            unresolved = true;
          }
          sb.append(value);
        }
        result = sb.toString();
      } else {
        key = exp.getExpressionString();
        result = exp.getValue(ctx);
      }
    } catch (Throwable e) {
      failure = describe(e);
    }
    if (key == null) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\$\\{(.*)}").matcher(text);
      key = m.matches() ? m.group(1).trim() : text.replace("$", "");
    }
    if (failure != null) {
      summary.put(key, List.of("ERROR"));
      result = text;
      out.put("detail", failure);
    } else if (result == null || unresolved) {
      summary.put(key, List.of("INFO"));
      if (result == null) result = text;
    }
    out.put("ok", true);
    out.put("repr", repr(result));
    out.put("javaType", result.getClass().getName());
    out.put("summary", summary);
    return out;
  }

  static Map<String, Object> expression(String expr, StandardEvaluationContext ctx) {
    Map<String, Object> out = new LinkedHashMap<>();
    try {
      Object value = PARSER.parseExpression(expr).getValue(ctx);
      out.put("ok", true);
      out.put("repr", repr(value));
      out.put("javaType", value == null ? "null" : value.getClass().getName());
    } catch (Throwable e) {
      out.put("ok", false);
      out.put("error", describe(e));
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, "UTF-8");
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) continue;
      Map<String, Object> result;
      Object id = null;
      try {
        Map<String, Object> c = JSON.readValue(line, Map.class);
        id = c.get("id");
        Object context = c.getOrDefault("context", new LinkedHashMap<>());
        StandardEvaluationContext ctx = contextFor(context == null ? new LinkedHashMap<>() : context);
        String expr = (String) c.get("expr");
        result = Boolean.TRUE.equals(c.get("template")) ? template(expr, ctx) : expression(expr, ctx);
      } catch (Throwable e) {
        result = new LinkedHashMap<>();
        result.put("ok", false);
        result.put("error", "harness: " + describe(e));
      }
      Map<String, Object> line2 = new LinkedHashMap<>();
      line2.put("id", id);
      line2.putAll(result);
      out.println(JSON.writeValueAsString(line2));
      out.flush();
    }
  }
}
