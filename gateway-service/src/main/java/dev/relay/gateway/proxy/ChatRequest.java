package dev.relay.gateway.proxy;

import dev.relay.gateway.wire.BadRequestException;
import dev.relay.gateway.wire.JsonScan;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * A client's JSON request body, inspected without building a tree: the top-level {@code model}, {@code stream} and
 * {@code stream_options.include_usage}, with the byte offsets needed to rewrite only those bytes. Every other field
 * passes through byte for byte. Pure: bytes in, bytes out.
 */
public final class ChatRequest {

    private static final byte[] INCLUDE_USAGE_OBJECT =
            "\"stream_options\":{\"include_usage\":true},".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INCLUDE_USAGE_FIELD = "\"include_usage\":true".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TRUE = "true".getBytes(StandardCharsets.UTF_8);

    private static final String MAX_TOKENS_MISSING = "max_tokens: field required";

    private final byte[] body;
    private final String model;
    private final int modelStart;
    private final int modelEnd;
    private final boolean stream;
    private final int objectStart;
    private final int streamOptionsStart;
    private final boolean streamOptionsEmpty;
    private final int includeUsageStart;
    private final int includeUsageEnd;
    private final boolean includeUsage;
    private final boolean hasTools;
    private final String maxTokensProblem;

    private ChatRequest(
            byte[] body,
            String model,
            int modelStart,
            int modelEnd,
            boolean stream,
            int objectStart,
            int streamOptionsStart,
            boolean streamOptionsEmpty,
            int includeUsageStart,
            int includeUsageEnd,
            boolean includeUsage,
            boolean hasTools,
            String maxTokensProblem) {
        this.body = body;
        this.model = model;
        this.modelStart = modelStart;
        this.modelEnd = modelEnd;
        this.stream = stream;
        this.objectStart = objectStart;
        this.streamOptionsStart = streamOptionsStart;
        this.streamOptionsEmpty = streamOptionsEmpty;
        this.includeUsageStart = includeUsageStart;
        this.includeUsageEnd = includeUsageEnd;
        this.includeUsage = includeUsage;
        this.hasTools = hasTools;
        this.maxTokensProblem = maxTokensProblem;
    }

    /**
     * Inspects a request body.
     *
     * @param modelRequired whether a missing {@code model} is an error (it is for every model-routed endpoint)
     * @throws BadRequestException on malformed JSON, a non-object body, or wrongly typed fields
     */
    public static ChatRequest inspect(byte[] body, boolean modelRequired) {
        if (body == null || body.length == 0) {
            throw new BadRequestException("request body is empty; expected a JSON object", null);
        }
        String model = null;
        int modelStart = -1;
        int modelEnd = -1;
        boolean stream = false;
        int objectStart = -1;
        int soStart = -1;
        boolean soEmpty = true;
        int iuStart = -1;
        int iuEnd = -1;
        boolean iu = false;
        boolean tools = false;
        String maxTokens = MAX_TOKENS_MISSING;
        try (JsonParser p = JsonScan.parser(body, 0, body.length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new BadRequestException("request body must be a JSON object", null);
            }
            objectStart = (int) p.currentTokenLocation().getByteOffset();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "model" -> {
                        if (v != JsonToken.VALUE_STRING) {
                            throw new BadRequestException("'model' must be a string", "model");
                        }
                        model = p.getString();
                        modelStart = (int) p.currentTokenLocation().getByteOffset();
                        modelEnd = JsonScan.stringEnd(body, modelStart, body.length);
                    }
                    case "stream" -> {
                        if (v == JsonToken.VALUE_TRUE) {
                            stream = true;
                        } else if (v == JsonToken.VALUE_FALSE || v == JsonToken.VALUE_NULL) {
                            stream = false;
                        } else {
                            throw new BadRequestException("'stream' must be a boolean", "stream");
                        }
                    }
                    case "stream_options" -> {
                        if (v == JsonToken.START_OBJECT) {
                            soStart = (int) p.currentTokenLocation().getByteOffset();
                            JsonToken f;
                            while ((f = p.nextToken()) == JsonToken.PROPERTY_NAME) {
                                soEmpty = false;
                                String fn = p.currentName();
                                JsonToken fv = p.nextToken();
                                if ("include_usage".equals(fn)
                                        && (fv == JsonToken.VALUE_TRUE || fv == JsonToken.VALUE_FALSE)) {
                                    iu = fv == JsonToken.VALUE_TRUE;
                                    iuStart = (int) p.currentTokenLocation().getByteOffset();
                                    iuEnd = iuStart + (iu ? 4 : 5);
                                } else {
                                    p.skipChildren();
                                }
                            }
                        } else if (v != JsonToken.VALUE_NULL) {
                            throw new BadRequestException("'stream_options' must be an object", "stream_options");
                        }
                    }
                    case "max_tokens" -> {
                        if (v == JsonToken.VALUE_NULL) {
                            maxTokens = MAX_TOKENS_MISSING;
                        } else if (v != JsonToken.VALUE_NUMBER_INT
                                || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                                || p.getLongValue() < 1) {
                            maxTokens = "max_tokens: must be a positive integer";
                            p.skipChildren();
                        } else {
                            maxTokens = null;
                        }
                    }
                    case "tools" -> {
                        if (v == JsonToken.START_ARRAY) {
                            JsonToken e;
                            while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                                tools = true;
                                if (e == JsonToken.START_OBJECT || e == JsonToken.START_ARRAY) {
                                    p.skipChildren();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw new BadRequestException("malformed JSON body", null);
            }
            if (p.nextToken() != null) {
                throw new BadRequestException("unexpected content after the JSON object", null);
            }
        } catch (JacksonException ex) {
            throw new BadRequestException("malformed JSON body: " + ex.getOriginalMessage(), null);
        }
        if (modelRequired && (model == null || model.isBlank())) {
            throw new BadRequestException("'model' is required", "model");
        }
        return new ChatRequest(
                body,
                model,
                modelStart,
                modelEnd,
                stream,
                objectStart,
                soStart,
                soEmpty,
                iuStart,
                iuEnd,
                iu,
                tools,
                maxTokens);
    }

    /**
     * Why the top-level {@code max_tokens} would not satisfy the Messages API (missing, null, not a positive integer),
     * or null when it does. Read in the same single scan as everything else; only {@code /v1/messages} acts on it.
     */
    public String maxTokensProblem() {
        return maxTokensProblem;
    }

    /** Whether the request declares at least one tool (a top-level non-empty {@code tools} array). */
    public boolean hasTools() {
        return hasTools;
    }

    public String model() {
        return model;
    }

    public boolean stream() {
        return stream;
    }

    /** Whether the client itself asked for the final usage chunk of a stream. */
    public boolean clientIncludesUsage() {
        return includeUsage;
    }

    public byte[] body() {
        return body;
    }

    /**
     * The body to send upstream: {@code model} replaced by the upstream name, and for streams
     * {@code stream_options.include_usage} forced on when {@code forceIncludeUsage}. Returns the original array when
     * nothing changes.
     */
    public byte[] rewrite(String upstreamModel, boolean forceIncludeUsage) {
        boolean renameModel = modelStart >= 0 && !upstreamModel.equals(model);
        boolean addUsage = forceIncludeUsage && stream && !includeUsage;
        if (!renameModel && !addUsage) {
            return body;
        }
        // Edits at increasing offsets: [position, replacedLength, bytes]
        record Edit(int at, int replace, byte[] with) {}
        java.util.List<Edit> edits = new java.util.ArrayList<>(3);
        if (addUsage) {
            if (streamOptionsStart < 0) {
                edits.add(new Edit(objectStart + 1, 0, INCLUDE_USAGE_OBJECT));
            } else if (includeUsageStart >= 0) {
                edits.add(new Edit(includeUsageStart, includeUsageEnd - includeUsageStart, TRUE));
            } else {
                byte[] field = streamOptionsEmpty ? INCLUDE_USAGE_FIELD : withComma(INCLUDE_USAGE_FIELD);
                edits.add(new Edit(streamOptionsStart + 1, 0, field));
            }
        }
        if (renameModel) {
            edits.add(new Edit(modelStart, modelEnd - modelStart, JsonScan.quoted(upstreamModel)));
        }
        edits.sort(java.util.Comparator.comparingInt(Edit::at));
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        int pos = 0;
        for (Edit e : edits) {
            out.write(body, pos, e.at() - pos);
            out.write(e.with(), 0, e.with().length);
            pos = e.at() + e.replace();
        }
        out.write(body, pos, body.length - pos);
        return out.toByteArray();
    }

    private static byte[] withComma(byte[] b) {
        byte[] r = java.util.Arrays.copyOf(b, b.length + 1);
        r[b.length] = ',';
        return r;
    }
}
