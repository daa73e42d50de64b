package haven.cli;

import picocli.CommandLine.Command;

@Command(name = "config", description = "(not built yet)")
public final class ConfigCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("config is not built yet");
    }
}
