package haven.cli;

import picocli.CommandLine.Command;

@Command(name = "demo", description = "(not built yet)")
public final class DemoCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("demo is not built yet");
    }
}
