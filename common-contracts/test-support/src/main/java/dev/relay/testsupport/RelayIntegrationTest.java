package dev.relay.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks an integration test that needs the real infrastructure; resolves it (once per JVM) before the class runs
 * and fails with instructions when it is not reachable. Inject {@link RelayInfrastructure} as a parameter or call
 * {@link RelayInfrastructure#get()}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Tag("integration")
@ExtendWith(RelayInfrastructureExtension.class)
public @interface RelayIntegrationTest {}
