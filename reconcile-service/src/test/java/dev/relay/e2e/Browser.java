package dev.relay.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Debian's headless {@code chromium} driven through Debian's {@code chromedriver} over the W3C WebDriver protocol —
 * the dozen commands the console test needs, in plain HTTP (rather than Selenium's dependency tree in a build that
 * enforces convergence). The driver is started on a free loopback port and stopped by its PID, the browser with it.
 */
final class Browser implements AutoCloseable {

    static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Process driver;
    private final String base;
    private final String session;
    private final HttpClient http = HttpClient.newHttpClient();

    static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/chromedriver")) && Files.isExecutable(Path.of("/usr/bin/chromium"));
    }

    Browser() throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder("/usr/bin/chromedriver", "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        base = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                if (send("GET", "/status", null).path("value").path("ready").asBoolean()) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                driver.destroyForcibly();
                throw new IllegalStateException("chromedriver did not start");
            }
            Thread.sleep(100);
        }
        ObjectNode caps = JSON.createObjectNode();
        ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        ObjectNode chrome = always.putObject("goog:chromeOptions");
        chrome.put("binary", "/usr/bin/chromium");
        chrome.putArray("args")
                .add("--headless=new")
                .add("--no-sandbox")
                .add("--disable-dev-shm-usage")
                .add("--disable-gpu")
                .add("--window-size=1366,900");
        always.putObject("goog:loggingPrefs").put("browser", "ALL");
        JsonNode created = send("POST", "/session", caps);
        session = created.path("value").path("sessionId").asString();
        if (session.isEmpty()) {
            close();
            throw new IllegalStateException("no browser session: " + created);
        }
    }

    private JsonNode send(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n = JSON.readTree(r.body());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + ": " + n.path("value"));
        }
        return n;
    }

    private JsonNode cmd(String method, String path, JsonNode body) {
        try {
            return send(method, "/session/" + session + path, body).path("value");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void open(String url) {
        cmd("POST", "/url", JSON.createObjectNode().put("url", url));
    }

    String url() {
        return cmd("GET", "/url", null).asString();
    }

    /**
     * The page's URL once it contains {@code fragment} (waiting up to 15 s): a click that submits a form returns as
     * soon as the browser has sent it, so right after it the URL can still be the page the form was on.
     */
    String awaitUrlContaining(String fragment) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        String url = url();
        while (!url.contains(fragment) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            url = url();
        }
        return url;
    }

    /** The element's id, or null when there is none. */
    String find(String css) {
        try {
            return cmd(
                            "POST",
                            "/element",
                            JSON.createObjectNode().put("using", "css selector").put("value", css))
                    .path(ELEMENT)
                    .asString(null);
        } catch (IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().contains("no such element")) {
                return null;
            }
            throw e;
        }
    }

    String require(String css) {
        String id = find(css);
        if (id == null) {
            throw new AssertionError("no element " + css + " on " + url());
        }
        return id;
    }

    /**
     * Clicks the element {@code css} selects. The console re-renders parts of a page on its live updates, so the element
     * found can be replaced before the click reaches it ("stale element reference"): then it is found again and
     * clicked, up to five times.
     */
    void click(String css) {
        for (int attempt = 1; ; attempt++) {
            try {
                cmd("POST", "/element/" + require(css) + "/click", JSON.createObjectNode());
                return;
            } catch (IllegalStateException e) {
                if (attempt >= 5 || e.getMessage() == null || !e.getMessage().contains("stale element reference")) {
                    throw e;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    void type(String css, String text) {
        String id = require(css);
        cmd("POST", "/element/" + id + "/clear", JSON.createObjectNode());
        cmd("POST", "/element/" + id + "/value", JSON.createObjectNode().put("text", text));
    }

    String text(String css) {
        return cmd("GET", "/element/" + require(css) + "/text", null).asString();
    }

    JsonNode script(String js) {
        ObjectNode b = JSON.createObjectNode().put("script", js);
        b.putArray("args");
        return cmd("POST", "/execute/sync", b);
    }

    void acceptAlert() {
        cmd("POST", "/alert/accept", JSON.createObjectNode());
    }

    void screenshot(Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.write(
                to, Base64.getDecoder().decode(cmd("GET", "/screenshot", null).asString()));
    }

    /** The browser console's warnings and errors since the last call. */
    List<String> consoleErrors() {
        List<String> out = new ArrayList<>();
        for (JsonNode e : cmd("POST", "/se/log", JSON.createObjectNode().put("type", "browser"))) {
            String level = e.path("level").asString("");
            if (level.equals("SEVERE")) {
                out.add(e.path("message").asString());
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                cmd("DELETE", "", null);
            }
        } catch (RuntimeException ignored) {
            // the driver goes anyway
        }
        List<ProcessHandle> browser = driver.descendants().toList();
        driver.destroy();
        browser.forEach(ProcessHandle::destroy);
        try {
            if (!driver.waitFor(5, TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            driver.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        browser.forEach(ProcessHandle::destroyForcibly);
    }
}
