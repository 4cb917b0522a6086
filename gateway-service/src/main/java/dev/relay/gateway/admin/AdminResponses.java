package dev.relay.gateway.admin;

import dev.relay.gateway.config.Precondition;
import dev.relay.gateway.config.WriteResult;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Response building shared by the admin controllers, and the hop off the event loop for blocking JDBC. */
final class AdminResponses {

    /** The config version a change produced (or the current one); wait for a replica's snapshot to reach it. */
    static final String CONFIG_VERSION = "Relay-Config-Version";

    static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

    private AdminResponses() {}

    /**
     * Admin work runs on virtual threads: it blocks on JDBC and, for a change, on this replica's snapshot load
     * (read-your-writes). On the bounded elastic pool (10 threads per core) a burst of provisioning writes waiting for
     * loads took every thread, and even a cheap read queued behind them for seconds; the database pool still bounds
     * the work done at once.
     */
    private static final reactor.core.scheduler.Scheduler ADMIN = Schedulers.fromExecutorService(
            java.util.concurrent.Executors.newThreadPerTaskExecutor(
                    Thread.ofVirtual().name("admin-", 0).factory()),
            "admin");

    /** Runs blocking (JDBC) code on a virtual thread, never on a Netty event loop. */
    static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(ADMIN);
    }

    static ResponseEntity<byte[]> list(List<?> items) {
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(AdminJson.write(Map.of("data", items)));
    }

    static ResponseEntity<byte[]> one(Object view, long rowVersion) {
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON)
                .eTag(Precondition.etag(rowVersion))
                .body(AdminJson.write(view));
    }

    /** 201 + Location for a creation, 200 otherwise; ETag, config version and the replay marker. */
    static ResponseEntity<byte[]> written(WriteResult<?> result, Object view, long rowVersion, String path) {
        ResponseEntity.BodyBuilder b =
                result.created() ? ResponseEntity.created(URI.create(path)) : ResponseEntity.status(HttpStatus.OK);
        b.contentType(MediaType.APPLICATION_JSON)
                .eTag(Precondition.etag(rowVersion))
                .header(CONFIG_VERSION, Long.toString(result.configVersion()));
        if (result.replayed()) {
            b.header(IDEMPOTENT_REPLAYED, "true");
        }
        return b.body(AdminJson.write(view));
    }

    static ResponseEntity<byte[]> deleted(WriteResult<?> result) {
        return ResponseEntity.noContent()
                .header(CONFIG_VERSION, Long.toString(result.configVersion()))
                .build();
    }

    static Precondition ifMatch(HttpHeaders headers) {
        List<String> values = headers.get(HttpHeaders.IF_MATCH);
        return Precondition.fromIfMatch(values == null ? null : String.join(",", values));
    }
}
