package dev.relay.imports.hosts;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code /api/hosts}: register (idempotent on the id) and list the edges Relay provisions into. */
@RestController
@RequestMapping("/api/hosts")
public class HostController {

    private final HostService hosts;

    public HostController(HostService hosts) {
        this.hosts = hosts;
    }

    /** 201 when created, 200 when it existed (updated if anything differed). */
    @PostMapping
    public ResponseEntity<Host.View> register(@RequestBody HostService.Registration body) {
        HostService.Registered r = hosts.register(body);
        return ResponseEntity.status(r.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .body(r.host().view());
    }

    @GetMapping
    public Map<String, List<Host.View>> list() {
        return Map.of("data", hosts.list().stream().map(Host::view).toList());
    }

    @GetMapping("/{id}")
    public Host.View get(@PathVariable String id) {
        return hosts.require(id).view();
    }
}
