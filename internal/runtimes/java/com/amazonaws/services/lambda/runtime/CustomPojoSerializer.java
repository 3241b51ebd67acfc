package com.amazonaws.services.lambda.runtime;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Type;

/**
 * A custom plain-old-Java-object serializer, found with ServiceLoader in the
 * function's class path (META-INF/services).
 */
public interface CustomPojoSerializer {
    /** Deserializes from an input stream to an object of type. */
    <T> T fromJson(InputStream input, Type type);

    /** Deserializes from a String to an object of type. */
    <T> T fromJson(String input, Type type);

    /** Serializes value to output. */
    <T> void toJson(T value, OutputStream output, Type type);
}
