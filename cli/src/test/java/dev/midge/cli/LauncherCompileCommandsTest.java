package dev.midge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The launcher (`./midge`) names broker methods that C2 must not inline. The JVM takes a name that
 * matches nothing without a word, so a renamed method would silently undo the option: each name
 * must be a method its class declares.
 */
class LauncherCompileCommandsTest {
    private static final Pattern LIST = Pattern.compile("(?m)^never_inlined=\"([^\"]*)\"");

    @Test
    void everyMethodTheLauncherKeepsFromInlining_isDeclaredByItsClass() throws Exception {
        List<String> names = neverInlined();

        assertThat(names).hasSizeGreaterThanOrEqualTo(6);
        for (String name : names) {
            assertThat(name).as("CLASS::METHOD").matches("[\\w.$]+::\\w+");
            String className = name.substring(0, name.indexOf("::"));
            String methodName = name.substring(name.indexOf("::") + 2);
            Method[] declared = Class.forName(className).getDeclaredMethods();
            assertThat(Arrays.stream(declared).map(Method::getName))
                    .as("methods declared by %s", className)
                    .contains(methodName);
        }
    }

    private static List<String> neverInlined() throws IOException {
        String launcher = Files.readString(Path.of("..", "midge"));
        Matcher list = LIST.matcher(launcher);
        assertThat(list.find()).as("never_inlined=\"...\" in ../midge").isTrue();
        return Arrays.asList(list.group(1).trim().split("\\s+"));
    }
}
