package haven.fencing;

/**
 * One thing wrong (or old-fashioned) with a device's parameters, naming the parameter and the fix.
 *
 * @param error false for advice that does not stop the device from working (a deprecated name)
 */
public record ParameterProblem(String device, String parameter, boolean error, String message) {
    @Override
    public String toString() {
        return (error ? "" : "warning: ") + "fence device '" + device + "': " + message;
    }
}
