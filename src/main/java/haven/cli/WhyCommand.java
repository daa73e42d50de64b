package haven.cli;

import picocli.CommandLine.Command;

@Command(name = "why", description = "(not built yet)")
public final class WhyCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("why is not built yet");
    }
}
