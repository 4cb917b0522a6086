package dev.relay.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.relay.contracts.UpstreamErrors.BodyFormat;
import dev.relay.contracts.UpstreamErrors.ErrorBody;
import dev.relay.contracts.UpstreamErrors.Expect;
import dev.relay.contracts.UpstreamErrors.TransportError;
import dev.relay.contracts.UpstreamErrors.UpstreamAnswer;
import dev.relay.contracts.UpstreamErrors.UpstreamFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class UpstreamErrorsTests {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    static final String DEEPSEEK_KEY = "sk-3f9a1c2b4d5e6f708192a3b4c5d6e7f8";

    // ------------------------------------------------------------------------------------------------ parse

    @Test
    void readsTheOpenAiErrorShape() {
        ErrorBody b = parse("{\"error\":{\"message\":\"The model `gpt-5x` does not exist or you do not have access to"
                + " it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}");
        assertThat(b.format()).isEqualTo(BodyFormat.OPENAI);
        assertThat(b.message()).isEqualTo("The model `gpt-5x` does not exist or you do not have access to it.");
        assertThat(b.type()).isEqualTo("invalid_request_error");
        assertThat(b.code()).isEqualTo("model_not_found");
    }

    @Test
    void readsTheAnthropicErrorShape() {
        ErrorBody b = parse(
                "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}");
        assertThat(b.format()).isEqualTo(BodyFormat.ANTHROPIC);
        assertThat(b.type()).isEqualTo("authentication_error");
        assertThat(b.message()).isEqualTo("invalid x-api-key");
        assertThat(b.code()).isNull();
    }

    @Test
    void readsAnErrorGivenAsAPlainString() {
        ErrorBody b = parse("{\"error\":\"Invalid API key\",\"code\":401}");
        assertThat(b.format()).isEqualTo(BodyFormat.ERROR_STRING);
        assertThat(b.message()).isEqualTo("Invalid API key");
        assertThat(b.code()).isEqualTo("401");
    }

    @Test
    void readsTheMessageAndMsgShapesOfChineseVendors() {
        ErrorBody dashscope =
                parse("{\"code\":\"InvalidApiKey\",\"message\":\"Invalid API-key provided.\",\"request_id\":\"a1b2\"}");
        assertThat(dashscope.format()).isEqualTo(BodyFormat.MESSAGE);
        assertThat(dashscope.message()).isEqualTo("Invalid API-key provided.");
        assertThat(dashscope.code()).isEqualTo("InvalidApiKey");

        ErrorBody msg = parse("{\"msg\":\"令牌已过期或验证不正确\",\"code\":1003,\"success\":false}");
        assertThat(msg.format()).isEqualTo(BodyFormat.MESSAGE);
        assertThat(msg.message()).isEqualTo("令牌已过期或验证不正确");
        assertThat(msg.code()).isEqualTo("1003");

        ErrorBody glm = parse("{\"error\":{\"code\":\"1211\",\"message\":\"模型不存在，请检查模型代码。\"}}");
        assertThat(glm.format()).isEqualTo(BodyFormat.OPENAI);
        assertThat(glm.code()).isEqualTo("1211");
        assertThat(glm.message()).isEqualTo("模型不存在，请检查模型代码。");
    }

    @Test
    void readsDetailInEveryFastApiForm() {
        assertThat(parse("{\"detail\":\"Not Found\"}").message()).isEqualTo("Not Found");
        assertThat(parse("{\"detail\":\"Not Found\"}").format()).isEqualTo(BodyFormat.DETAIL);
        assertThat(parse(
                                "{\"detail\":[{\"loc\":[\"body\",\"model\"],\"msg\":\"field required\",\"type\":\"missing\"}]}")
                        .message())
                .isEqualTo("field required (body.model)");
        assertThat(parse("{\"detail\":{\"message\":\"boom\"}}").message()).isEqualTo("boom");
    }

    @Test
    void readsMiniMaxsBaseRespAndOtherShapes() {
        ErrorBody b = parse(
                "{\"id\":\"\",\"base_resp\":{\"status_code\":1004,\"status_msg\":\"login fail: Please carry the API"
                        + " secret key in the 'Authorization' field of the request header\"}}");
        assertThat(b.format()).isEqualTo(BodyFormat.BASE_RESP);
        assertThat(b.code()).isEqualTo("1004");
        assertThat(b.message()).startsWith("login fail");
        assertThat(parse("{\"base_resp\":{\"status_code\":0,\"status_msg\":\"success\"}}")
                        .format())
                .isEqualTo(BodyFormat.JSON);
        assertThat(parse("{\"errors\":[{\"message\":\"first\"},{\"message\":\"second\"}]}")
                        .message())
                .isEqualTo("first");
        assertThat(parse(
                                "[{\"error\":{\"code\":400,\"message\":\"API key not valid.\",\"status\":\"INVALID_ARGUMENT\"}}]")
                        .message())
                .isEqualTo("API key not valid.");
        assertThat(parse("{\"code\":0,\"msg\":\"ok\",\"data\":[]}").format()).isEqualTo(BodyFormat.JSON);
        assertThat(parse("[1,2,3]").format()).isEqualTo(BodyFormat.JSON);
        assertThat(parse("{\"error\":null,\"choices\":[]}").format()).isEqualTo(BodyFormat.JSON);
    }

    @Test
    void readsTheTitleOfAnHtmlPage() {
        String cloudflare = "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>api.example.com | 522: Connection timed"
                + " out</title><style>body{}</style></head><body><h1>Connection timed out</h1></body></html>";
        ErrorBody b = UpstreamErrors.parse(bytes(cloudflare), "text/html; charset=UTF-8");
        assertThat(b.format()).isEqualTo(BodyFormat.HTML);
        assertThat(b.message()).isEqualTo("HTML page: api.example.com | 522: Connection timed out");

        ErrorBody nginx = UpstreamErrors.parse(
                bytes("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad"
                        + " Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>"),
                null);
        assertThat(nginx.message()).isEqualTo("HTML page: 502 Bad Gateway");

        ErrorBody entities = UpstreamErrors.parse(
                bytes("<html><head><title>\n  Tom &amp; Jerry&#39;s &#x4E2D; &lt;API&gt;  </title></head></html>"),
                null);
        assertThat(entities.message()).isEqualTo("HTML page: Tom & Jerry's 中 <API>");

        ErrorBody noTitle =
                UpstreamErrors.parse(bytes("<html><body><h1>Access <b>denied</b></h1></body></html>"), null);
        assertThat(noTitle.message()).isEqualTo("HTML page: Access denied");

        ErrorBody bare = UpstreamErrors.parse(bytes("<div>Gateway <script>var x=1;</script>down</div>"), "text/html");
        assertThat(bare.message()).isEqualTo("HTML page: Gateway down");
    }

    @Test
    void readsEmptyTextAndBinaryBodies() {
        assertThat(UpstreamErrors.parse(null, null)).isEqualTo(new ErrorBody(null, null, null, BodyFormat.EMPTY));
        assertThat(UpstreamErrors.parse(new byte[0], "application/json").format())
                .isEqualTo(BodyFormat.EMPTY);
        assertThat(parse("  \n\t ").format()).isEqualTo(BodyFormat.EMPTY);
        ErrorBody text =
                parse("upstream connect error or disconnect/reset before headers. reset reason: overflow\nmore");
        assertThat(text.format()).isEqualTo(BodyFormat.TEXT);
        assertThat(text.message())
                .isEqualTo("upstream connect error or disconnect/reset before headers. reset reason: overflow");
        assertThat(parse("{\"error\": {\"message\": \"cut off").format()).isEqualTo(BodyFormat.TEXT);
        byte[] gzip = {0x1f, (byte) 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, (byte) 0xcb, 0x48, (byte) 0xcd
        };
        assertThat(UpstreamErrors.parse(gzip, "application/json").format()).isEqualTo(BodyFormat.BINARY);
        assertThat(parse("\uFEFF{\"error\":\"with a byte-order mark\"}").message())
                .isEqualTo("with a byte-order mark");
    }

    @Test
    void keepsTheMessageToOneLineOf200Characters() {
        String longMessage = "line one\r\n\tline two " + "x".repeat(500);
        ErrorBody b = parse("{\"error\":{\"message\":\""
                + longMessage.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t") + "\"}}");
        assertThat(b.message()).hasSize(200).startsWith("line one line two xxx").endsWith("…");
        assertThat(b.message()).doesNotContain("\n", "\r", "\t");
        // code points, not chars: a cut never splits a surrogate pair
        String emoji = "😀".repeat(300);
        String m = UpstreamErrors.oneLine(emoji, 200);
        assertThat(m.codePointCount(0, m.length())).isEqualTo(200);
        assertThat(m).endsWith("😀…");
        assertThat(UpstreamErrors.oneLine("  short  ", 200)).isEqualTo("short");
        assertThat(UpstreamErrors.oneLine(null, 200)).isNull();
        assertThat(UpstreamErrors.oneLine("x".repeat(200), 200)).isEqualTo("x".repeat(200));
    }

    @Test
    void parsesAVeryLongBodyWithoutReadingItAll() {
        String huge = "{\"error\":{\"message\":\"" + "y".repeat(3 * 1024 * 1024) + "\"}}";
        ErrorBody b = parse(huge);
        assertThat(b.format()).isEqualTo(BodyFormat.TEXT); // too long to parse as JSON, read as text
        assertThat(b.message()).hasSize(200);
        assertThat(UpstreamErrors.preview(bytes(huge))).hasSize(200);
        String longJson = "{\"error\":{\"message\":\"" + "z".repeat(500_000) + "\"}}";
        assertThat(parse(longJson).format()).isEqualTo(BodyFormat.OPENAI);
    }

    /**
     * Redaction skips a pattern when the text lacks what it needs; the result must be exactly that of running all nine
     * patterns in order (the reference below reads them from the class), on texts built from secret-shaped and
     * harmless fragments in random order.
     */
    @Test
    void redactionWithItsTriggersEqualsRunningEveryPattern() throws Exception {
        String[] fragments = {
            "Bearer abc.def-ghi_123",
            "bearer eyJhbGciOiJIUzI1NiJ9",
            "sk-ant-api03-AbCdEf_123-xyz",
            "rk-live-0123456789",
            "AIzaSyA1234567890abcdefghijklmno",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig",
            "0123456789abcdef0123456789abcdef.AbCdEfGh12",
            "0123456789abcdef0123456789abcdef01",
            "api_key=hunter2",
            "\"password\": \"p@ss\"",
            "token: abc",
            "https://user:pw@host.example/x",
            "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVowMTIzNDU2Nzg5Ky8=",
            "Abcdefghij0123456789KLMNOPqrst",
            "gpt-4o",
            "The model `x` does not exist",
            "quota exceeded",
            " ",
            ", ",
            "{\"error\":",
            "}",
            "\n",
            "hello world",
            "余额不足",
            "key",
            "k-",
            "@",
            "://",
            "deadbeef"
        };
        java.util.Random random = new java.util.Random(42);
        for (int n = 0; n < 3000; n++) {
            StringBuilder b = new StringBuilder();
            int parts = 1 + random.nextInt(8);
            for (int i = 0; i < parts; i++) {
                b.append(fragments[random.nextInt(fragments.length)]);
                if (random.nextBoolean()) {
                    b.append(' ');
                }
            }
            String text = b.toString();
            assertThat(UpstreamErrors.redact(text)).as(text).isEqualTo(redactWithEveryPattern(text));
        }
    }

    private static String redactWithEveryPattern(String text) throws Exception {
        String r = pattern("BEARER").matcher(text).replaceAll("Bearer [redacted]");
        r = pattern("URL_PASSWORD").matcher(r).replaceAll("$1:[redacted]@");
        r = pattern("KEY_LIKE").matcher(r).replaceAll("[redacted]");
        r = pattern("JWT").matcher(r).replaceAll("[redacted]");
        r = pattern("ID_SECRET").matcher(r).replaceAll("[redacted]");
        r = pattern("ASSIGNMENT").matcher(r).replaceAll("$1$2[redacted]");
        r = pattern("HEX").matcher(r).replaceAll("[redacted]");
        java.lang.reflect.Method secretLike = UpstreamErrors.class.getDeclaredMethod("secretLike", String.class);
        secretLike.setAccessible(true);
        java.util.function.Function<java.util.regex.MatchResult, String> keepOrRedact = m -> {
            try {
                return (boolean) secretLike.invoke(null, m.group())
                        ? "[redacted]"
                        : java.util.regex.Matcher.quoteReplacement(m.group());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        };
        r = pattern("BASE64").matcher(r).replaceAll(keepOrRedact);
        return pattern("ALNUM").matcher(r).replaceAll(keepOrRedact);
    }

    private static java.util.regex.Pattern pattern(String name) throws Exception {
        java.lang.reflect.Field f = UpstreamErrors.class.getDeclaredField(name);
        f.setAccessible(true);
        return (java.util.regex.Pattern) f.get(null);
    }

    // ------------------------------------------------------------------------------------------------ redaction

    @Test
    void redactsKeysInErrorMessages() {
        ErrorBody openai =
                parse("{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-abc1**********************"
                        + "**********xyz9. You can find your API key at https://platform.openai.com/account/api-keys.\","
                        + "\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
        assertThat(openai.message())
                .isEqualTo("Incorrect API key provided: [redacted]. You can find your API key at"
                        + " https://platform.openai.com/account/api-keys.");

        assertThat(UpstreamErrors.redact("key " + DEEPSEEK_KEY + " is invalid")).isEqualTo("key [redacted] is invalid");
        assertThat(UpstreamErrors.redact("sk-ant-api03-AbCdEf_123-xyz and rk-live-0123456789"))
                .isEqualTo("[redacted] and [redacted]");
        assertThat(UpstreamErrors.redact("Authorization: Bearer abc.def-ghi_123"))
                .isEqualTo("Authorization: Bearer [redacted]");
        assertThat(UpstreamErrors.redact("bearer eyJhbGciOiJIUzI1NiJ9")).isEqualTo("Bearer [redacted]");
        assertThat(UpstreamErrors.redact("token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig"))
                .isEqualTo("token [redacted]");
        assertThat(UpstreamErrors.redact("glm key 0123456789abcdef0123456789abcdef.AbCdEfGh12345678 rejected"))
                .isEqualTo("glm key [redacted] rejected");
        assertThat(UpstreamErrors.redact("request 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"))
                .isEqualTo("request [redacted]");
        assertThat(UpstreamErrors.redact("key=AKIAIOSFODNN7EXAMPLE&x=1")).isEqualTo("key=[redacted]&x=1");
        assertThat(UpstreamErrors.redact("{\"api_key\": \"hunter2\", \"max_tokens\": 5}"))
                .isEqualTo("{\"api_key\": \"[redacted]\", \"max_tokens\": 5}");
        assertThat(UpstreamErrors.redact("x-goog key AIzaSyA1234567890abcdefghijklmnopqrstu"))
                .isEqualTo("x-goog key [redacted]");
        assertThat(UpstreamErrors.redact("https://user:pa55@relay.example.com/v1"))
                .isEqualTo("https://user:[redacted]@relay.example.com/v1");
        assertThat(UpstreamErrors.redact("blob QUJDRGVmZ2hpSktMbW5vcFFSU1R1dnd4eXoxMjM0NTY3ODk5+/== end"))
                .isEqualTo("blob [redacted] end");
        // letters-only runs (hex letters included) and plain base64-looking words are not secrets
        assertThat(UpstreamErrors.redact("a".repeat(40) + " " + "QUJD".repeat(20)))
                .isEqualTo("a".repeat(40) + " " + "QUJD".repeat(20));
        assertThat(UpstreamErrors.redact("id 12345678901234567890123456789012345"))
                .isEqualTo("id 12345678901234567890123456789012345");
        assertThat(UpstreamErrors.redact("secret: Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0"))
                .isEqualTo("secret: [redacted]");
        assertThat(UpstreamErrors.redact("opaque Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0 id"))
                .isEqualTo("opaque [redacted] id");
    }

    @Test
    void leavesModelNamesUrlsAndIdsThatAreNotSecretsAlone() {
        String text = "The model `deepseek-ai/DeepSeek-R1-Distill-Qwen-32B` does not exist; see"
                + " https://platform.openai.com/docs/guides/error-codes/api-errors. Request"
                + " 123e4567-e89b-12d3-a456-426614174000, max_tokens=4096, tokens: 5, task-manager-v2,"
                + " Qwen2.5-Coder-32B-Instruct-GPTQ-Int4, internationalization, 20241022";
        assertThat(UpstreamErrors.redact(text)).isEqualTo(text);
        assertThat(UpstreamErrors.redact(null)).isNull();
        assertThat(UpstreamErrors.redact("")).isEmpty();
    }

    @Test
    void previewsABodyRedactedOnOneLineOfAtMost200Characters() {
        assertThat(UpstreamErrors.preview(null)).isEmpty();
        assertThat(UpstreamErrors.preview(new byte[0])).isEmpty();
        assertThat(UpstreamErrors.preview(bytes("{\n  \"object\": \"list\",\n  \"data\": []\n}")))
                .isEqualTo("{ \"object\": \"list\", \"data\": [] }");
        assertThat(UpstreamErrors.preview(bytes("{\"error\":\"bad key " + DEEPSEEK_KEY + "\"}")))
                .isEqualTo("{\"error\":\"bad key [redacted]\"}");
        assertThat(UpstreamErrors.preview(bytes("<html><head><title>403 Forbidden</title></head></html>")))
                .isEqualTo("[html] 403 Forbidden");
        assertThat(UpstreamErrors.preview(new byte[] {0, 1, 2, 3, (byte) 0xff, (byte) 0xfe, 7, 8}))
                .isEqualTo("[binary body, 8 bytes]");
        String long200 = UpstreamErrors.preview(bytes("a".repeat(150) + " " + DEEPSEEK_KEY + " " + "b".repeat(150)));
        assertThat(long200).hasSize(200).doesNotContain("sk-3f9a").contains("[redacted]");
        // a key cut by the limit is redacted before the cut, so no fragment of it shows
        String edge = UpstreamErrors.preview(bytes("c".repeat(190) + " " + DEEPSEEK_KEY));
        assertThat(edge).doesNotContain("sk-3f").hasSizeLessThanOrEqualTo(200);
        assertThat(UpstreamErrors.preview(bytes("模型不存在"))).isEqualTo("模型不存在");
    }

    // ------------------------------------------------------------------------------------------------ classify

    @Test
    void classifies401And403AsAuthInvalid() {
        assertClass(
                answer(
                        401,
                        "{\"error\":{\"message\":\"Invalid Authentication\",\"type\":\"invalid_authentication_error\"}}"),
                FailureClass.AUTH_INVALID);
        assertClass(
                answer(
                        403,
                        "{\"type\":\"error\",\"error\":{\"type\":\"permission_error\",\"message\":\"Your API key"
                                + " does not have permission to use the specified resource.\"}}"),
                FailureClass.AUTH_INVALID);
        assertClass(answer(401, ""), FailureClass.AUTH_INVALID);
        UpstreamFailure f = failure(answer(
                401,
                "{\"error\":{\"message\":\"Incorrect API key provided: " + DEEPSEEK_KEY
                        + "\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}"));
        assertThat(f.status()).isEqualTo(401);
        assertThat(f.detail()).isEqualTo("Incorrect API key provided: [redacted] [invalid_api_key]");
        assertThat(f.errorCode()).isEqualTo("invalid_api_key");
        assertThat(f.retryAfterSeconds()).isNull();
    }

    @Test
    void classifiesA429WithAQuotaBodyAsQuotaExhausted() {
        assertClass(
                answer(
                        429,
                        "{\"error\":{\"message\":\"You exceeded your current quota, please check your plan and"
                                + " billing details.\",\"type\":\"insufficient_quota\",\"param\":null,\"code\":\"insufficient_quota\"}}"),
                FailureClass.QUOTA_EXHAUSTED);
        assertClass(
                answer(
                        429,
                        "{\"error\":{\"message\":\"Your account org-x is suspended, please check your plan and"
                                + " billing details\",\"type\":\"exceeded_current_quota_error\"}}"),
                FailureClass.QUOTA_EXHAUSTED);
        assertClass(
                answer(429, "{\"error\":{\"code\":\"1113\",\"message\":\"余额不足或无可用资源包,请充值。\"}}"),
                FailureClass.QUOTA_EXHAUSTED);
        assertClass(
                answer(
                        429,
                        "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Your credit"
                                + " balance is too low to access the Anthropic API.\"}}"),
                FailureClass.QUOTA_EXHAUSTED);
        assertClass(answer(429, "{\"message\":\"billing account not active\"}"), FailureClass.QUOTA_EXHAUSTED);
        assertClass(answer(429, "{\"error\":\"账户余额不足\"}"), FailureClass.QUOTA_EXHAUSTED);
        assertClass(answer(429, "{\"error\":\"no credit left\"}"), FailureClass.QUOTA_EXHAUSTED);
        UpstreamFailure f = failure(new UpstreamAnswer(
                429, "application/json", "30", bytes("{\"error\":{\"code\":\"insufficient_quota\"}}"), NOW));
        assertThat(f.failureClass()).isEqualTo(FailureClass.QUOTA_EXHAUSTED);
        assertThat(f.retryAfterSeconds()).isNull();
    }

    @Test
    void classifiesOther429sAsRateLimitedWithTheRetryAfter() {
        UpstreamFailure header = failure(new UpstreamAnswer(
                429,
                "application/json",
                "20",
                bytes("{\"error\":{\"message\":\"Rate limit reached for requests\",\"type\":\"requests\","
                        + "\"code\":\"rate_limit_exceeded\"}}"),
                NOW));
        assertThat(header.failureClass()).isEqualTo(FailureClass.RATE_LIMITED);
        assertThat(header.retryAfterSeconds()).isEqualTo(20);

        // a rate-limit message that mentions billing only through a link is still a rate limit
        UpstreamFailure tpm = failure(answer(
                429,
                "{\"error\":{\"message\":\"Rate limit reached for gpt-4o on tokens per"
                        + " min (TPM): Limit 30000. Please try again in 1.5s. Visit https://platform.openai.com/account/billing"
                        + " to add a payment method.\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}"));
        assertThat(tpm.failureClass()).isEqualTo(FailureClass.RATE_LIMITED);
        assertThat(tpm.retryAfterSeconds()).isEqualTo(2);

        UpstreamFailure kimi = failure(answer(
                429,
                "{\"error\":{\"type\":\"rate_limit_reached_error\",\"message\":\"Your"
                        + " account request reached organization max RPM: 3, please try again after 1 seconds\"}}"));
        assertThat(kimi.failureClass()).isEqualTo(FailureClass.RATE_LIMITED);
        assertThat(kimi.retryAfterSeconds()).isEqualTo(1);

        assertClass(answer(429, ""), FailureClass.RATE_LIMITED);
        assertClass(
                answer(429, "{\"error\":{\"code\":\"1302\",\"message\":\"您当前使用该API的并发数过高\"}}"),
                FailureClass.RATE_LIMITED);
        assertThat(failure(answer(429, "")).retryAfterSeconds()).isNull();
        assertThat(failure(new UpstreamAnswer(429, null, "Sun, 01 Jun 2025 12:00:45 GMT", null, NOW))
                        .retryAfterSeconds())
                .isEqualTo(45);
        assertThat(failure(answer(429, "{\"error\":\"slow down, retry after 250 ms\"}"))
                        .retryAfterSeconds())
                .isEqualTo(1);
    }

    @Test
    void parsesRetryAfterAsSecondsOrAnHttpDate() {
        assertThat(UpstreamErrors.retryAfterSeconds("7", NOW)).isEqualTo(7);
        assertThat(UpstreamErrors.retryAfterSeconds(" 0 ", NOW)).isZero();
        assertThat(UpstreamErrors.retryAfterSeconds("1.2", NOW)).isEqualTo(2);
        assertThat(UpstreamErrors.retryAfterSeconds("Sun, 01 Jun 2025 12:01:00 GMT", NOW))
                .isEqualTo(60);
        assertThat(UpstreamErrors.retryAfterSeconds("Sun, 01 Jun 2025 11:00:00 GMT", NOW))
                .isZero();
        assertThat(UpstreamErrors.retryAfterSeconds("Sun, 01 Jun 2025 12:01:00 GMT", null))
                .isNull();
        assertThat(UpstreamErrors.retryAfterSeconds("soon", NOW)).isNull();
        assertThat(UpstreamErrors.retryAfterSeconds("-5", NOW)).isNull();
        assertThat(UpstreamErrors.retryAfterSeconds(null, NOW)).isNull();
        assertThat(UpstreamErrors.retryAfterSeconds("99999999999999", NOW)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void classifiesModelNotFoundSignalsOn404And400() {
        assertClass(
                answer(
                        404,
                        "{\"error\":{\"message\":\"The model `qwen-maxx` does not exist or you do not have access"
                                + " to it.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"model_not_found\"}}"),
                FailureClass.MODEL_NOT_FOUND);
        assertClass(
                answer(
                        404,
                        "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model:"
                                + " claude-9\"}}"),
                FailureClass.MODEL_NOT_FOUND);
        assertClass(
                answer(
                        400,
                        "{\"error\":{\"message\":\"Model Not Exist\",\"type\":\"invalid_request_error\","
                                + "\"param\":null,\"code\":\"invalid_request_error\"}}"),
                FailureClass.MODEL_NOT_FOUND);
        assertClass(
                answer(400, "{\"error\":{\"code\":\"1211\",\"message\":\"模型不存在，请检查模型代码。\"}}"),
                FailureClass.MODEL_NOT_FOUND);
        assertClass(
                answer(
                        404,
                        "{\"error\":{\"message\":\"Not found the model kimi-x or Permission denied\","
                                + "\"type\":\"resource_not_found_error\"}}"),
                FailureClass.MODEL_NOT_FOUND);
        assertClass(
                answer(
                        400,
                        "{\"base_resp\":{\"status_code\":2013,\"status_msg\":\"invalid params, unknown model"
                                + " 'abab9'\"}}"),
                FailureClass.MODEL_NOT_FOUND);
        assertClass(
                answer(
                        403,
                        "{\"error\":{\"message\":\"Project does not have access to model gpt-5\","
                                + "\"code\":\"model_not_found\"}}"),
                FailureClass.MODEL_NOT_FOUND);
    }

    @Test
    void classifiesAMissingEndpointAsIncompatible() {
        assertClass(
                answer(404, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"Not Found\"}}"),
                FailureClass.INCOMPATIBLE);
        assertClass(
                answer(
                        404,
                        "{\"error\":{\"message\":\"Invalid URL (POST /v1/chat/completions)\",\"type\":"
                                + "\"invalid_request_error\"}}"),
                FailureClass.INCOMPATIBLE);
        assertClass(answer(404, "{\"detail\":\"Not Found: /v1/models does not exist\"}"), FailureClass.INCOMPATIBLE);
        assertClass(answer(405, "Method Not Allowed"), FailureClass.INCOMPATIBLE);
        assertClass(answer(404, "<html><title>404 Not Found</title></html>"), FailureClass.INCOMPATIBLE);
        assertClass(
                answer(
                        400,
                        "{\"error\":{\"message\":\"Invalid max_tokens value, the valid range of max_tokens is"
                                + " [1, 8192]\",\"type\":\"invalid_request_error\"}}"),
                FailureClass.INCOMPATIBLE);
        assertClass(
                answer(422, "{\"detail\":[{\"loc\":[\"body\",\"messages\"],\"msg\":\"field required\"}]}"),
                FailureClass.INCOMPATIBLE);
        assertClass(answer(415, ""), FailureClass.INCOMPATIBLE);
        assertClass(answer(301, ""), FailureClass.INCOMPATIBLE);
    }

    @Test
    void classifiesOther400sByTheirSignals() {
        assertClass(
                answer(
                        400,
                        "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Your"
                                + " credit balance is too low to access the Anthropic API.\"}}"),
                FailureClass.QUOTA_EXHAUSTED);
        assertClass(
                answer(
                        400,
                        "[{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API"
                                + " key.\",\"status\":\"INVALID_ARGUMENT\"}}]"),
                FailureClass.AUTH_INVALID);
        assertClass(
                answer(
                        400,
                        "{\"code\":\"Arrearage\",\"message\":\"Access denied, please make sure your account is"
                                + " in good standing.\"}"),
                FailureClass.QUOTA_EXHAUSTED);
        assertClass(
                answer(402, "{\"error\":{\"message\":\"Insufficient Balance\",\"type\":\"unknown_error\"}}"),
                FailureClass.QUOTA_EXHAUSTED);
        assertClass(answer(403, "{\"error\":{\"message\":\"insufficient_quota\"}}"), FailureClass.QUOTA_EXHAUSTED);
    }

    @Test
    void classifiesServerErrorsAndTimeoutsAnswered() {
        assertClass(
                answer(500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}"),
                FailureClass.UPSTREAM_ERROR);
        assertClass(
                answer(502, "<html><head><title>502 Bad Gateway</title></head></html>"), FailureClass.UPSTREAM_ERROR);
        assertClass(
                answer(
                        529,
                        "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"),
                FailureClass.UPSTREAM_ERROR);
        UpstreamFailure unavailable = failure(new UpstreamAnswer(503, "text/plain", "120", bytes("busy"), NOW));
        assertThat(unavailable.failureClass()).isEqualTo(FailureClass.UPSTREAM_ERROR);
        assertThat(unavailable.retryAfterSeconds()).isEqualTo(120);
        assertThat(failure(answer(502, "")).detail()).isEqualTo("HTTP 502 with an empty body");
        assertThat(failure(answer(502, "<html><head><title>502 Bad Gateway</title></head></html>"))
                        .detail())
                .isEqualTo("HTML page: 502 Bad Gateway");
        assertClass(answer(408, ""), FailureClass.TIMEOUT);
    }

    @Test
    void classifiesA200ThatIsNotTheExpectedJsonAsIncompatible() {
        UpstreamFailure empty = failure(answer(200, ""), Expect.MODEL_LIST);
        assertThat(empty.failureClass()).isEqualTo(FailureClass.INCOMPATIBLE);
        assertThat(empty.detail()).startsWith("HTTP 200 but an empty body; expected a model list");

        UpstreamFailure console = failure(
                answer(200, "<!doctype html><html><head><title>DeepSeek Platform</title></head><body></body></html>"),
                Expect.MODEL_LIST);
        assertThat(console.failureClass()).isEqualTo(FailureClass.INCOMPATIBLE);
        assertThat(console.detail())
                .isEqualTo("HTTP 200 but an HTML page (DeepSeek Platform); expected a model list"
                        + " {\"data\": [{\"id\": ...}]}");

        assertClass(answer(200, "OK"), Expect.CHAT_COMPLETION, FailureClass.INCOMPATIBLE);
        assertClass(
                answer(200, "{\"object\":\"list\",\"models\":[\"a\"]}"), Expect.MODEL_LIST, FailureClass.INCOMPATIBLE);
        assertClass(answer(200, "{\"data\":[\"a\"]}"), Expect.MODEL_LIST, FailureClass.INCOMPATIBLE);
        assertClass(answer(200, "{\"id\":\"x\"}"), Expect.CHAT_COMPLETION, FailureClass.INCOMPATIBLE);
        assertClass(answer(200, "{\"choices\":[]}"), Expect.ANTHROPIC_MESSAGE, FailureClass.INCOMPATIBLE);
        assertClass(answer(200, "{\"data\":[]}"), Expect.EMBEDDINGS, FailureClass.INCOMPATIBLE);
        assertClass(answer(200, "[1,2]"), Expect.CHAT_COMPLETION, FailureClass.INCOMPATIBLE);
    }

    @Test
    void acceptsA2xxOfTheExpectedShape() {
        assertOk(
                answer(200, "{\"object\":\"list\",\"data\":[{\"id\":\"deepseek-chat\",\"object\":\"model\"}]}"),
                Expect.MODEL_LIST);
        assertOk(answer(200, "{\"data\":[],\"has_more\":false}"), Expect.MODEL_LIST);
        assertOk(
                answer(
                        200,
                        "{\"id\":\"c1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                                + "\"hi\"}}]}"),
                Expect.CHAT_COMPLETION);
        assertOk(
                answer(200, "{\"id\":\"m1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[]}"),
                Expect.ANTHROPIC_MESSAGE);
        assertOk(
                answer(200, "{\"data\":[{\"object\":\"embedding\",\"embedding\":[0.1,0.2],\"index\":0}]}"),
                Expect.EMBEDDINGS);
        assertOk(answer(200, "{\"anything\":true}"), Expect.ANY_JSON);
        assertOk(answer(204, ""), Expect.ANYTHING);
        assertOk(
                answer(200, "data: {\"id\":\"c\",\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\ndata: [DONE]\n\n"),
                Expect.CHAT_COMPLETION_STREAM);
        assertOk(
                answer(200, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n"),
                Expect.ANTHROPIC_MESSAGE_STREAM);
        assertOk(answer(200, "data: {\"type\":\"message_start\",\"message\":{}}\n\n"), Expect.ANTHROPIC_MESSAGE_STREAM);
    }

    @Test
    void classifiesAnErrorCarriedByA200ByItsSignals() {
        UpstreamFailure minimax = failure(
                answer(
                        200,
                        "{\"base_resp\":{\"status_code\":1004,\"status_msg\":\"login fail: Please carry the API"
                                + " secret key in the 'Authorization' field of the request header\"}}"),
                Expect.CHAT_COMPLETION);
        assertThat(minimax.failureClass()).isEqualTo(FailureClass.AUTH_INVALID);
        assertThat(minimax.errorCode()).isEqualTo("1004");
        assertThat(minimax.detail()).startsWith("HTTP 200 carrying an error: login fail");
        assertClass(
                answer(200, "{\"base_resp\":{\"status_code\":1008,\"status_msg\":\"insufficient balance\"}}"),
                Expect.CHAT_COMPLETION,
                FailureClass.QUOTA_EXHAUSTED);
        assertClass(
                answer(200, "{\"base_resp\":{\"status_code\":1002,\"status_msg\":\"rpm limit\"}}"),
                Expect.CHAT_COMPLETION,
                FailureClass.RATE_LIMITED);
        assertClass(
                answer(200, "{\"error\":{\"message\":\"something odd\"}}"), Expect.ANY_JSON, FailureClass.INCOMPATIBLE);
        assertClass(
                answer(200, "{\"code\":500,\"msg\":\"model not found\"}"),
                Expect.MODEL_LIST,
                FailureClass.MODEL_NOT_FOUND);
        assertClass(
                answer(
                        200,
                        "data: {\"error\":{\"message\":\"Incorrect API key provided\",\"code\":\"invalid_api_key\"}}\n\n"),
                Expect.CHAT_COMPLETION_STREAM,
                FailureClass.AUTH_INVALID);
        assertClass(answer(200, "data: [DONE]\n\n"), Expect.CHAT_COMPLETION_STREAM, FailureClass.INCOMPATIBLE);
    }

    @Test
    void classifiesCallsThatGotNoAnswer() {
        assertThat(UpstreamErrors.classify(TransportError.CONNECT_REFUSED, "api.example.com:443"))
                .isEqualTo(new UpstreamFailure(
                        FailureClass.UNREACHABLE,
                        null,
                        "connection refused: api.example.com:443",
                        null,
                        "connect_refused"));
        assertThat(UpstreamErrors.classify(TransportError.DNS, null).failureClass())
                .isEqualTo(FailureClass.UNREACHABLE);
        assertThat(UpstreamErrors.classify(TransportError.TLS, " ").detail()).isEqualTo("TLS handshake failed");
        assertThat(UpstreamErrors.classify(TransportError.READ_TIMEOUT, null).failureClass())
                .isEqualTo(FailureClass.TIMEOUT);
        assertThat(UpstreamErrors.classify(TransportError.CONNECT_TIMEOUT, "Bearer abcdefgh")
                        .detail())
                .isEqualTo("connect timed out: Bearer [redacted]");
    }

    @Test
    void classifiesTheExceptionAnHttpClientThrew() {
        assertException(new ConnectException("Connection refused"), FailureClass.UNREACHABLE, "connect_refused");
        assertException(new UnknownHostException("api.nowhere.example"), FailureClass.UNREACHABLE, "dns");
        assertException(new SSLHandshakeException("PKIX path building failed"), FailureClass.UNREACHABLE, "tls");
        assertException(
                new HttpConnectTimeoutException("HTTP connect timed out"), FailureClass.TIMEOUT, "connect_timeout");
        assertException(new HttpTimeoutException("request timed out"), FailureClass.TIMEOUT, "total_timeout");
        assertException(new SocketTimeoutException("Read timed out"), FailureClass.TIMEOUT, "read_timeout");
        assertException(new SocketTimeoutException("Connect timed out"), FailureClass.TIMEOUT, "connect_timeout");
        assertException(new SocketException("Connection reset"), FailureClass.UNREACHABLE, "connection_reset");
        assertException(
                new CompletionException(new IOException("wrapped", new UnknownHostException("x"))),
                FailureClass.UNREACHABLE,
                "dns");
        assertException(
                new UncheckedIOException(new IOException("closed")), FailureClass.UNREACHABLE, "connection_reset");
        assertException(new RuntimeException(new ReadTimeoutException()), FailureClass.TIMEOUT, "read_timeout");
        UpstreamFailure bug = UpstreamErrors.classify(new IllegalStateException("bug with " + DEEPSEEK_KEY));
        assertThat(bug.failureClass()).isEqualTo(FailureClass.INTERNAL);
        assertThat(bug.detail()).isEqualTo("IllegalStateException: bug with [redacted]");
        // a cause cycle does not loop
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);
        assertThat(UpstreamErrors.classify(a).failureClass()).isEqualTo(FailureClass.INTERNAL);
    }

    @Test
    void treatsA403OnACompletionOfAListedModelAsAWarmUpRace() {
        UpstreamAnswer forbidden = answer(403, "{\"error\":{\"message\":\"forbidden\"}}");
        Optional<Warning> w = UpstreamErrors.warmUp403(forbidden, "deepseek-chat", List.of("deepseek-chat", "x"));
        assertThat(w).isPresent();
        assertThat(w.get().code()).isEqualTo("WARMUP_403");
        assertThat(w.get().message())
                .contains("deepseek-chat")
                .contains("forbidden")
                .doesNotContain("\n");

        assertThat(UpstreamErrors.warmUp403(forbidden, "deepseek-chat", null)).isEmpty(); // the list did not answer
        assertThat(UpstreamErrors.warmUp403(forbidden, "deepseek-chat", List.of("other")))
                .isEmpty();
        assertThat(UpstreamErrors.warmUp403(forbidden, "deepseek-chat", List.of()))
                .isEmpty();
        assertThat(UpstreamErrors.warmUp403(answer(401, ""), "deepseek-chat", List.of("deepseek-chat")))
                .isEmpty();
        assertThat(UpstreamErrors.warmUp403(
                        answer(403, "{\"error\":{\"message\":\"insufficient balance\"}}"),
                        "deepseek-chat",
                        List.of("deepseek-chat")))
                .isEmpty();
        assertThat(UpstreamErrors.warmUp403(
                        answer(403, "{\"error\":\"key " + DEEPSEEK_KEY + " not active yet\"}"),
                        "deepseek-chat",
                        List.of("deepseek-chat")))
                .get()
                .extracting(Warning::message)
                .asString()
                .doesNotContain("sk-3f9a")
                .contains("[redacted]");
        // without the warm-up rule the same answer is an auth failure
        assertClass(forbidden, FailureClass.AUTH_INVALID);
    }

    @Test
    void refusesAnAnswerWithoutAnHttpStatus() {
        assertThatThrownBy(() -> new UpstreamAnswer(0, null, null, null, NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new UpstreamAnswer(200, null, null, null, NOW).body()).isEmpty();
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** Stands in for Netty's {@code ReadTimeoutException}, matched by its name. */
    static final class ReadTimeoutException extends RuntimeException {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static ErrorBody parse(String body) {
        return UpstreamErrors.parse(bytes(body), "application/json");
    }

    static UpstreamAnswer answer(int status, String body) {
        return new UpstreamAnswer(status, null, null, bytes(body), NOW);
    }

    static UpstreamFailure failure(UpstreamAnswer a) {
        return failure(a, Expect.ANY_JSON);
    }

    static UpstreamFailure failure(UpstreamAnswer a, Expect expect) {
        return UpstreamErrors.classify(a, expect).orElseThrow(() -> new AssertionError("expected a failure"));
    }

    static void assertClass(UpstreamAnswer a, FailureClass expected) {
        assertClass(a, Expect.ANY_JSON, expected);
    }

    static void assertClass(UpstreamAnswer a, Expect expect, FailureClass expected) {
        UpstreamFailure f = failure(a, expect);
        assertThat(f.failureClass())
                .as(new String(a.body(), StandardCharsets.UTF_8))
                .isEqualTo(expected);
        assertThat(f.detail()).isNotNull();
        assertThat(f.detail().codePointCount(0, f.detail().length())).isLessThanOrEqualTo(200);
    }

    static void assertOk(UpstreamAnswer a, Expect expect) {
        assertThat(UpstreamErrors.classify(a, expect))
                .as(new String(a.body(), StandardCharsets.UTF_8))
                .isEmpty();
    }

    static void assertException(Throwable t, FailureClass expected, String code) {
        UpstreamFailure f = UpstreamErrors.classify(t);
        assertThat(f.failureClass()).as(t.toString()).isEqualTo(expected);
        assertThat(f.errorCode()).as(t.toString()).isEqualTo(code);
        assertThat(f.status()).isNull();
    }
}
