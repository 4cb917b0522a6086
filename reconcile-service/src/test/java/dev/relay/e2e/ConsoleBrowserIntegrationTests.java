package dev.relay.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.relay.testsupport.ControlPlaneStack;
import dev.relay.testsupport.RelayInfrastructure;
import dev.relay.testsupport.RelayIntegrationTest;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The operator console in a real browser (Debian's headless chromium through chromedriver) against the whole system:
 * log in, paste a batch (a bad line first: the page says which and keeps what was typed), watch the items go live on
 * the run page without reloading it (server-sent events), open an item's timeline, roll an item back through the
 * confirmation, and visit every page — failing on any error in the browser console. Screenshots of each page go to
 * {@code docs/console/}. It lives in reconcile-service, the last module of the build, because it needs every service
 * built; reconcile-service itself runs in this JVM (the console's Reconcile page reads it).
 */
@RelayIntegrationTest
@org.junit.jupiter.api.extension.ExtendWith(dev.relay.reconcile.ReconcileTestDataCleanup.class)
@SpringBootTest(
        classes = dev.relay.reconcile.ReconcileApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.DEFINED_PORT,
        properties = {"spring.kafka.consumer.auto-offset-reset=latest", "relay.outbox.timer-poll-interval=200ms"})
class ConsoleBrowserIntegrationTests {

    private static final Logger log = LoggerFactory.getLogger(ConsoleBrowserIntegrationTests.class);
    static final Path SHOTS = Path.of("../docs/console");
    /** A host of its own (a dev system on the same Kafka keeps its "edge"). */
    static final String HOST = "it-console-" + UUID.randomUUID().toString().substring(0, 8);

    static int reconcilePort;
    static ControlPlaneStack stack;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        RelayInfrastructure infra = RelayInfrastructure.get();
        registry.add("spring.datasource.url", infra::jdbcUrl);
        registry.add("spring.kafka.bootstrap-servers", infra::kafkaBootstrap);
        registry.add("server.port", () -> reconcilePort);
        registry.add("relay.reconcile.consumer-group", () -> "reconcile-ui-" + UUID.randomUUID());
        registry.add("relay.reconcile.access-service-url", () -> stack.access.baseUrl());
    }

    @BeforeAll
    static void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            reconcilePort = s.getLocalPort();
        }
        stack = ControlPlaneStack.startWithAccess(
                Map.of("RELAY_RECONCILE_URL", "http://127.0.0.1:" + reconcilePort, "RELAY_DEFAULT_HOST", HOST));
        stack.registerHost(HOST);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    final List<String> consoleErrors = new ArrayList<>();

    void noConsoleErrors(Browser b, String where) {
        List<String> errors = b.consoleErrors();
        errors.forEach(e -> log.error("browser console on {}: {}", where, e));
        consoleErrors.addAll(errors.stream().map(e -> where + ": " + e).toList());
    }

    @Test
    void anOperatorImportsWatchesItemsGoLiveRollsOneBackAndEveryPageIsClean() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                Browser.available() || System.getenv("CI") != null, "chromium/chromedriver not installed");
        String console = stack.imports.baseUrl();
        String u = UUID.randomUUID().toString().substring(0, 8);
        try (Browser b = new Browser()) {
            // the door: a page asks for the session, the login page takes the token once
            b.open(console + "/console/runs");
            assertThat(b.url()).contains("/console/login");
            b.screenshot(SHOTS.resolve("login.png"));
            b.type("#token", "not the token");
            b.click("button[type=submit]");
            assertThat(b.text(".error")).contains("not the operator token");
            b.type("#token", ControlPlaneStack.OPERATOR_TOKEN);
            b.click("button[type=submit]");
            assertThat(b.awaitUrlContaining("/console/runs")).endsWith("/console/runs");
            noConsoleErrors(b, "login");

            // a batch with a bad line: nothing imported, the page names the line and keeps the text
            b.click("a[href='/console/runs/new']");
            String good1 = stack.sim.baseUrl() + "/v1 sk-sim-openai-only_models=ui-" + u + "_run=a" + u;
            String good2 = stack.sim.baseUrl() + "/v1 sk-sim-openai-only_models=ui-" + u + "_run=b" + u;
            b.type("#name", "console " + u);
            b.type("#lines", good1 + "\nnot-a-url\n");
            b.click("main button[type=submit]");
            assertThat(b.text(".error")).contains("line 2");
            assertThat(b.script("return document.getElementById('lines').value").asString())
                    .contains(good1);
            b.screenshot(SHOTS.resolve("new-import.png"));
            noConsoleErrors(b, "new import");

            b.type("#lines", good1 + "\n" + good2 + "\n");
            b.click("main button[type=submit]");
            // the submission's answer is a redirect to the new run; the form page was at /console/runs itself
            assertThat(b.awaitUrlContaining("/console/runs/")).contains("/console/runs/");
            assertThat(b.text("#client-key")).startsWith("rk-");

            // the items go live on this page without a reload (server-sent events re-render the item table)
            b.script("window.__notReloaded = true; window.__sse = 0;"
                    + " document.body.addEventListener('htmx:sseMessage', function () { window.__sse++; });"
                    + " return true;");
            String runId = b.url().replaceAll(".*/console/runs/([0-9a-f-]{36}).*", "$1");
            try {
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> b.script("return document.querySelectorAll('table.items .badge.READY').length")
                                        .asInt()
                                == 2);
            } catch (org.awaitility.core.ConditionTimeoutException ex) {
                // say which side is behind: the pipeline (the REST view) or the page (its live updates)
                throw new AssertionError(
                        "items not shown READY within 120 s; run as the API reports it: "
                                + stack.operator("GET", "/api/import-runs/" + runId + "/items", null)
                                        .body()
                                + "; server-sent messages the page heard: "
                                + b.script("return window.__sse").asInt()
                                + "; item badges on the page: "
                                + b.script("return Array.from(document.querySelectorAll('table.items .badge'))"
                                                + ".map(function (e) { return e.textContent.trim(); }).join(',')")
                                        .asString(),
                        ex);
            }
            assertThat(b.script("return window.__notReloaded === true").asBoolean())
                    .as("the page updated itself")
                    .isTrue();
            assertThat(b.script("return window.__sse").asInt())
                    .as("the updates came as server-sent events")
                    .isPositive();
            b.click("#item-0 details:last-of-type summary");
            b.screenshot(SHOTS.resolve("run-detail.png"));
            noConsoleErrors(b, "run detail");

            // roll the first item back, through the confirmation
            b.click("#item-0 form[action$='/rollback'] button");
            b.acceptAlert();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.find(".notice") != null || b.find(".error") != null);
            assertThat(b.find(".error")).as("the rollback was accepted").isNull();
            assertThat(b.text(".notice")).contains("Rollback asked");
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> b.script("var r = document.querySelector('#item-0 .badge');"
                                    + " return r ? r.textContent.trim() : ''")
                            .asString()
                            .equals("rolled_back"));
            noConsoleErrors(b, "rollback");

            // every page, each clean, each shot
            for (String[] page : new String[][] {
                {"/console/runs", "runs.png", "table"},
                {"/console/edge", "edge.png", "table"},
                {"/console/usage", "usage.png", "#chart"},
                {"/console/consumers", "consumers.png", "table"},
                {"/console/reconcile", "reconcile.png", "form"}
            }) {
                b.open(console + page[0]);
                b.require(page[2]);
                assertThat(b.script("return document.querySelector('p.error') ? document.querySelector('p.error')"
                                        + ".textContent : ''")
                                .asString())
                        .as("no service error on " + page[0])
                        .isEmpty();
                Thread.sleep(400);
                b.screenshot(SHOTS.resolve(page[1]));
                noConsoleErrors(b, page[0]);
            }
        }
        assertThat(consoleErrors).as("browser console errors").isEmpty();
    }
}
