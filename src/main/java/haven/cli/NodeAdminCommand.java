package haven.cli;

import picocli.CommandLine.Command;

@Command(name = "node-admin-placeholder", description = "(not built yet)")
public final class NodeAdminCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("node-admin-placeholder is not built yet");
    }
}
