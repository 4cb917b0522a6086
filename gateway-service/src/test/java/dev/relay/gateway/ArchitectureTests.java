package dev.relay.gateway;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

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
                        "dev.relay.gateway.metering..",
                        "dev.relay.gateway.proxy..",
                        "dev.relay.gateway.edge..")
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

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("dev.relay.gateway.(*)..")
                .should()
                .beFreeOfCycles()
                .because("a package is read, tested and changed without its dependents only when dependencies point one"
                        + " way (the front door over the engine over the pure translations and wire helpers)")
                .check(MAIN);
    }

    @Test
    void theFrontDoorIsTheOnlyPlaceThatKnowsTranslationPairs() {
        noClasses()
                .that()
                .resideOutsideOfPackages("dev.relay.gateway.edge..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.relay.gateway.edge.pairs..")
                .because("Translators chooses the (client API x upstream protocol) pair in one place")
                .check(MAIN);
    }
}
