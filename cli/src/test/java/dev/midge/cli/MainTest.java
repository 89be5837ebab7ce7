package dev.midge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MainTest {
    private String before;

    @BeforeEach
    void remember() {
        before = System.getProperty(Main.NETTY_JFR);
    }

    @AfterEach
    void restore() {
        if (before == null) {
            System.clearProperty(Main.NETTY_JFR);
        } else {
            System.setProperty(Main.NETTY_JFR, before);
        }
    }

    @Test
    void nettyFlightRecorderEvents_offByDefault() {
        System.clearProperty(Main.NETTY_JFR);

        Main.withoutNettyFlightRecorderEvents();

        assertThat(System.getProperty(Main.NETTY_JFR)).isEqualTo("false");
    }

    @Test
    void nettyFlightRecorderEvents_theUsersChoiceStands() {
        System.setProperty(Main.NETTY_JFR, "true");

        Main.withoutNettyFlightRecorderEvents();

        assertThat(System.getProperty(Main.NETTY_JFR)).isEqualTo("true");
    }
}
