package dev.relay.gateway.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one mapping between a config spec record ({@link ChannelSpec}, {@link GroupSpec}, {@link KeySpec}) and JSON,
 * used by the admin API (requests and responses) and by the {@code spec} column of the config tables alike: one JSON
 * field per record component, named after it, in declaration order. A component added to a spec record is therefore
 * accepted, returned and stored with no further code; its validation and default belong in the record's compact
 * constructor, which every read goes through.
 *
 * <p>Component types: {@code String}, {@code int}/{@code Integer}, {@code long}/{@code Long},
 * {@code boolean}/{@code Boolean}, {@link Instant} (ISO-8601), enums (their constant name, upper-cased on input; or
 * the value of a {@link JsonValue} method, matched ignoring case), {@code List<String>}, {@code Map<String, String>},
 * and nested records of these (an absent field of a nested record that declares a {@code DEFAULT} constant of its own
 * type takes that constant's value). Anything else fails when the type is first used.
 *
 * <p>Reading is strict and names the field in every error, so that it can answer an admin request: a wrong type is a
 * {@link ConfigException} ({@code param} = the field, dotted inside nested objects), {@code null} means absent, an
 * absent component is {@code null} (zero or false for a primitive) and the constructor fills in its default. Error
 * messages never echo a value.
 *
 * <p>Access, with Jackson's annotation on the component: {@code @JsonProperty(access = WRITE_ONLY)} is read but never
 * written (secrets: a channel's credential, a key's plaintext); {@code @JsonProperty(access = READ_ONLY)} is written,
 * read from storage, and ignored in an admin request (state set by the gateway's own operations).
 */
public final class SpecJson {

    /** Where a document being read comes from. */
    public enum Source {
        /** An admin request: unknown fields are refused (400 naming them), read-only fields are ignored. */
        API,
        /**
         * A stored spec: read-only fields are read, unknown fields are ignored (a newer version may have written them:
         * a rollback must not lose every row).
         */
        STORAGE
    }

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return Shape.of(type);
        }
    };

    private SpecJson() {}

    /** The spec as JSON: every component but the write-only ones, nulls included. */
    public static ObjectNode write(Record spec) {
        return shape(spec.getClass()).write(spec);
    }

    /**
     * The spec a JSON object describes, validated by its constructor.
     *
     * @param accepted further top-level field names an API request may carry and that are ignored (the read-only
     *     fields of the resource's response, e.g. {@code id}); unused for {@link Source#STORAGE}
     * @throws ConfigException naming the field when the document does not describe a valid spec
     */
    public static <R extends Record> R read(JsonNode doc, Class<R> type, Source source, Set<String> accepted) {
        if (doc == null || !doc.isObject()) {
            throw ConfigException.invalid("invalid_json", null, "the body must be a JSON object");
        }
        return type.cast(shape(type).read((ObjectNode) doc, "", source, accepted));
    }

    /** The spec's field names, in declaration order (write-only and read-only ones included). */
    public static Set<String> fields(Class<? extends Record> type) {
        return shape(type).names();
    }

    private static Shape shape(Class<?> type) {
        return SHAPES.get(type);
    }

    // ---- field readers, shared with the admin API's own request bodies -------------------------------------------

    /** A string, or null for an absent or null node. */
    public static String string(JsonNode n, String param) {
        if (absent(n)) {
            return null;
        }
        if (!n.isString()) {
            throw ConfigException.invalid(param, param + " must be a string");
        }
        return n.stringValue();
    }

    /** An ISO-8601 instant with offset, or null for an absent or null node. */
    public static Instant instant(JsonNode n, String param) {
        String s = string(n, param);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s.strip());
        } catch (DateTimeParseException ex) {
            throw ConfigException.invalid(
                    param, param + " must be an ISO-8601 instant with offset, e.g. 2030-01-01T00:00:00Z");
        }
    }

    /** An enum constant by name, ignoring case and surrounding blanks; null for null. */
    public static <E extends Enum<E>> E parseEnum(String s, String param, Class<E> type) {
        if (s == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            List<String> allowed = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                allowed.add(e.name());
            }
            throw ConfigException.invalid(param, param + " must be one of " + allowed);
        }
    }

    private static boolean absent(JsonNode n) {
        return n == null || n.isNull() || n.isMissingNode();
    }

    // ---- the shape of one record type -----------------------------------------------------------------------------

    private enum Kind {
        STRING,
        INT,
        LONG,
        BOOLEAN,
        INSTANT,
        ENUM,
        STRING_LIST,
        STRING_MAP,
        RECORD
    }

    /** One component: its name, how it maps, its accessor and what an absent value becomes. */
    private record Field(
            String name, Kind kind, Class<?> type, Method accessor, JsonProperty.Access access, Object absentValue) {}

    private record Shape(List<Field> fields, Constructor<?> constructor) {

        static Shape of(Class<?> type) {
            if (!type.isRecord()) {
                throw new IllegalArgumentException(type.getName() + " is not a record");
            }
            RecordComponent[] components = type.getRecordComponents();
            Object defaults = defaults(type);
            List<Field> fields = new ArrayList<>(components.length);
            for (RecordComponent c : components) {
                Method accessor = c.getAccessor();
                JsonProperty p = accessor.getAnnotation(JsonProperty.class);
                JsonProperty.Access access = p == null ? JsonProperty.Access.AUTO : p.access();
                Object absentValue = defaults != null ? invoke(accessor, defaults) : zero(c.getType());
                fields.add(new Field(c.getName(), kind(type, c), c.getType(), accessor, access, absentValue));
            }
            try {
                Constructor<?> ctor = type.getDeclaredConstructor(
                        Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
                return new Shape(List.copyOf(fields), ctor);
            } catch (NoSuchMethodException ex) {
                throw new IllegalStateException(ex);
            }
        }

        Set<String> names() {
            Set<String> out = new LinkedHashSet<>();
            fields.forEach(f -> out.add(f.name));
            return out;
        }

        ObjectNode write(Object value) {
            ObjectNode o = NODES.objectNode();
            for (Field f : fields) {
                if (f.access != JsonProperty.Access.WRITE_ONLY) {
                    o.set(f.name, node(f, invoke(f.accessor, value)));
                }
            }
            return o;
        }

        Object read(ObjectNode o, String prefix, Source source, Set<String> accepted) {
            if (source == Source.API) {
                for (String name : o.propertyNames()) {
                    if (fields.stream().noneMatch(f -> f.name.equals(name)) && !accepted.contains(name)) {
                        throw ConfigException.invalid(
                                "unknown_field", prefix + name, "unknown field '" + prefix + name + "'");
                    }
                }
            }
            Object[] args = new Object[fields.size()];
            for (int i = 0; i < args.length; i++) {
                Field f = fields.get(i);
                JsonNode n = o.get(f.name);
                boolean ignored = source == Source.API && f.access == JsonProperty.Access.READ_ONLY;
                args[i] = ignored || absent(n) ? f.absentValue : value(f, n, prefix + f.name, source);
            }
            try {
                return constructor.newInstance(args);
            } catch (InvocationTargetException ex) {
                if (ex.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new IllegalStateException(ex.getCause());
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException(ex);
            }
        }
    }

    private static Object value(Field f, JsonNode n, String param, Source source) {
        return switch (f.kind) {
            case STRING -> string(n, param);
            case INT -> {
                if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                    throw ConfigException.invalid(param, param + " must be an integer");
                }
                yield n.intValue();
            }
            case LONG -> {
                if (!n.isIntegralNumber() || !n.canConvertToLong()) {
                    throw ConfigException.invalid(param, param + " must be an integer");
                }
                yield n.longValue();
            }
            case BOOLEAN -> {
                if (!n.isBoolean()) {
                    throw ConfigException.invalid(param, param + " must be true or false");
                }
                yield n.booleanValue();
            }
            case INSTANT -> instant(n, param);
            case ENUM -> enumValue(f.type, string(n, param), param);
            case STRING_LIST -> {
                if (!n.isArray()) {
                    throw ConfigException.invalid(param, param + " must be an array of strings");
                }
                List<String> out = new ArrayList<>(n.size());
                for (JsonNode item : n.values()) {
                    if (!item.isString()) {
                        throw ConfigException.invalid(param, param + " must be an array of strings");
                    }
                    out.add(item.stringValue());
                }
                yield out;
            }
            case STRING_MAP -> {
                if (!n.isObject()) {
                    throw ConfigException.invalid(param, param + " must be an object of strings");
                }
                Map<String, String> out = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : n.properties()) {
                    if (!e.getValue().isString()) {
                        throw ConfigException.invalid(param, param + "." + e.getKey() + " must be a string");
                    }
                    out.put(e.getKey(), e.getValue().stringValue());
                }
                yield out;
            }
            case RECORD -> {
                if (!n.isObject()) {
                    throw ConfigException.invalid(param, param + " must be an object");
                }
                yield shape(f.type).read((ObjectNode) n, param + ".", source, Set.of());
            }
        };
    }

    private static JsonNode node(Field f, Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        return switch (f.kind) {
            case STRING -> NODES.stringNode((String) v);
            case INT -> NODES.numberNode((Integer) v);
            case LONG -> NODES.numberNode((Long) v);
            case BOOLEAN -> NODES.booleanNode((Boolean) v);
            case INSTANT -> NODES.stringNode(v.toString());
            case ENUM -> NODES.stringNode(enumName((Enum<?>) v));
            case STRING_LIST -> {
                ArrayNode a = NODES.arrayNode();
                ((List<?>) v).forEach(item -> a.add((String) item));
                yield a;
            }
            case STRING_MAP -> {
                ObjectNode o = NODES.objectNode();
                ((Map<?, ?>) v).forEach((k, val) -> o.put((String) k, (String) val));
                yield o;
            }
            case RECORD -> shape(f.type).write(v);
        };
    }

    // ---- enums ----------------------------------------------------------------------------------------------------

    /** Each enum's {@link JsonValue} method, if it has one (looked up once per type). */
    private static final ClassValue<Optional<Method>> JSON_VALUE = new ClassValue<>() {
        @Override
        protected Optional<Method> computeValue(Class<?> enumType) {
            for (Method m : enumType.getMethods()) {
                if (m.isAnnotationPresent(JsonValue.class) && m.getParameterCount() == 0) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }
    };

    private static Method jsonValue(Class<?> enumType) {
        return JSON_VALUE.get(enumType).orElse(null);
    }

    private static String enumName(Enum<?> e) {
        Method m = jsonValue(e.getDeclaringClass());
        return m == null ? e.name() : String.valueOf(invoke(m, e));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object enumValue(Class<?> type, String s, String param) {
        if (s == null) {
            return null;
        }
        if (jsonValue(type) == null) {
            return parseEnum(s, param, (Class) type);
        }
        List<String> names = new ArrayList<>();
        for (Object constant : type.getEnumConstants()) {
            String name = enumName((Enum<?>) constant);
            if (name.equalsIgnoreCase(s.strip())) {
                return constant;
            }
            names.add(name);
        }
        throw ConfigException.invalid(param, param + " must be one of " + String.join(", ", names));
    }

    // ---- reflection -----------------------------------------------------------------------------------------------

    private static Kind kind(Class<?> owner, RecordComponent c) {
        Class<?> t = c.getType();
        Type generic = c.getGenericType();
        if (t == String.class) {
            return Kind.STRING;
        } else if (t == int.class || t == Integer.class) {
            return Kind.INT;
        } else if (t == long.class || t == Long.class) {
            return Kind.LONG;
        } else if (t == boolean.class || t == Boolean.class) {
            return Kind.BOOLEAN;
        } else if (t == Instant.class) {
            return Kind.INSTANT;
        } else if (t.isEnum()) {
            return Kind.ENUM;
        } else if (t == List.class && typeArguments(generic, String.class)) {
            return Kind.STRING_LIST;
        } else if (t == Map.class && typeArguments(generic, String.class, String.class)) {
            return Kind.STRING_MAP;
        } else if (t.isRecord()) {
            shape(t); // fail now, not on first use, when the nested record has an unsupported component
            return Kind.RECORD;
        }
        throw new IllegalArgumentException(
                "SpecJson cannot map " + owner.getSimpleName() + "." + c.getName() + " of type " + generic);
    }

    private static boolean typeArguments(Type generic, Class<?>... expected) {
        return generic instanceof ParameterizedType p && Arrays.equals(p.getActualTypeArguments(), expected);
    }

    /** A nested record's {@code public static final DEFAULT} of its own type, if it declares one. */
    private static Object defaults(Class<?> type) {
        try {
            java.lang.reflect.Field f = type.getField("DEFAULT");
            return Modifier.isStatic(f.getModifiers()) && f.getType() == type ? f.get(null) : null;
        } catch (NoSuchFieldException ex) {
            return null;
        } catch (IllegalAccessException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static Object zero(Class<?> t) {
        if (t == int.class) {
            return 0;
        } else if (t == long.class) {
            return 0L;
        } else if (t == boolean.class) {
            return false;
        }
        return null;
    }

    private static Object invoke(Method m, Object target) {
        try {
            return m.invoke(target);
        } catch (InvocationTargetException ex) {
            throw ex.getCause() instanceof RuntimeException re ? re : new IllegalStateException(ex.getCause());
        } catch (IllegalAccessException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
