package haven.cli;

import picocli.CommandLine.Command;

@Command(name = "node", description = "(not built yet)")
public final class NodeCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("node is not built yet");
    }
}
