package haven.cli;

import picocli.CommandLine.Command;

@Command(name = "resource", description = "(not built yet)")
public final class ResourceCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("resource is not built yet");
    }
}
