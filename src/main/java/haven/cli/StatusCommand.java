package haven.cli;

import picocli.CommandLine.Command;

@Command(name = "status", description = "(not built yet)")
public final class StatusCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("status is not built yet");
    }
}
