package dev.relay.reconcile;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The module's package structure, checked: its packages depend on each other one way only. The root package (the
 * application, its wiring and its properties) is no slice: it sits above and below them all.
 */
class ArchitectureTests {

    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.relay.reconcile");

    @Test
    void thePackagesAreFreeOfCycles() {
        slices().matching("dev.relay.reconcile.(*)..")
                .should()
                .beFreeOfCycles()
                .because("a package can then be read and tested without the packages that depend on it, and no two"
                        + " packages are coupled both ways behind the reader's back")
                .check(MAIN);
    }
}
