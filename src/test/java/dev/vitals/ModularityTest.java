package dev.vitals;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

class ModularityTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // not the code Spring's ahead-of-time processing generates at package time (Foo__BeanDefinitions)
            .withImportOption(location -> !location.contains("__"))
            .importPackages("dev.vitals");

    @Test
    void modulesOnlyUseEachOthersPublishedApiAndHaveNoCycles() {
        ApplicationModules.of(VitalsApplication.class).verify();
    }

    @Test
    void onlyTheDiscordAdapterImportsJda() {
        noClasses().that().resideOutsideOfPackage("dev.vitals.chat.discord..")
                .should().dependOnClassesThat().resideInAPackage("net.dv8tion..")
                .check(MAIN);
    }

    @Test
    void onlyTheDockerAdapterImportsDockerJava() {
        noClasses().that().resideOutsideOfPackage("dev.vitals.docker..")
                .should().dependOnClassesThat().resideInAPackage("com.github.dockerjava..")
                .check(MAIN);
    }

    @Test
    void nothingDependsOnAnAdapter() {
        noClasses().that().resideOutsideOfPackages("dev.vitals.chat.console..", "dev.vitals.chat.discord..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.vitals.chat.console..", "dev.vitals.chat.discord..")
                .check(MAIN);
        noClasses().that().resideOutsideOfPackage("dev.vitals.docker..")
                .should().dependOnClassesThat().resideInAPackage("dev.vitals.docker..")
                .check(MAIN);
    }
}
