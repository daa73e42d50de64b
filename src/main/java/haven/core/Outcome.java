package haven.core;

/**
 * How an external action ended. A timeout is Indeterminate, never Failed: after an indeterminate stop
 * we cannot know the resource is down, so it must not be started elsewhere on the strength of it.
 */
public sealed interface Outcome {
    record Ok() implements Outcome {}

    record Failed(String reason) implements Outcome {}

    record Indeterminate(String reason) implements Outcome {}

    Outcome OK = new Ok();

    default boolean isOk() {
        return this instanceof Ok;
    }
}
