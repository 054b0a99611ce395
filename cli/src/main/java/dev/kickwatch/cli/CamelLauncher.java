package dev.kickwatch.cli;

import org.apache.camel.dsl.jbang.core.commands.CamelJBangMain;

/** The {@code camel} command of Camel JBang, started without JBang. */
public final class CamelLauncher {

    private CamelLauncher() {
    }

    public static void main(String[] args) {
        CamelJBangMain.run(args);
    }
}
