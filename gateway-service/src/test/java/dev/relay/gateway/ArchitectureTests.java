package dev.relay.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The module's layering, checked: pure translators and stream state objects never touch the web or the network. */
class ArchitectureTests {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.relay.gateway");

    @Test
    void translatorsArePureBytesAndRecordsInAndOut() {
        noClasses()
                .that()
                .resideInAPackage("dev.relay.gateway.translate..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "org.springframework..",
                        "reactor..",
                        "io.netty..",
                        "java.net.http..",
                        "org.apache.kafka..",
                        "dev.relay.gateway.routing..",
                        "dev.relay.gateway.config..",
                        "dev.relay.gateway.health..",
                        "dev.relay.gateway.metering..")
                .because("each (client API x upstream protocol) translator is a pure function of bytes and records"
                        + " (CONVENTIONS 9), testable without an exchange, a client or a channel")
                .check(MAIN);
    }

    @Test
    void theStreamStateObjectsOfTheProxyDoNotDependOnWebClasses() {
        noClasses()
                .that()
                .haveSimpleNameEndingWith("Stream")
                .or()
                .haveSimpleName("ChatRequest")
                .or()
                .haveSimpleName("SseBuffer")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework.web..", "org.springframework.http..", "reactor.netty..")
                .check(MAIN);
    }

    @Test
    void theAdminApiAndIntrospectionAreNotReachedFromTheHotPath() {
        noClasses()
                .that()
                .resideInAnyPackage("dev.relay.gateway.proxy..", "dev.relay.gateway.translate..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.relay.gateway.admin..")
                .check(MAIN);
    }
}
