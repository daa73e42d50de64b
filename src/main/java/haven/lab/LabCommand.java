package haven.lab;

import picocli.CommandLine.Command;

@Command(name = "lab", description = "(not built yet)")
public final class LabCommand implements Runnable {
    @Override
    public void run() {
        throw new UnsupportedOperationException("lab is not built yet");
    }
}
