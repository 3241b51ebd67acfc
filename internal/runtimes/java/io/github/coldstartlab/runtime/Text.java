package io.github.coldstartlab.runtime;

/**
 * Text joins strings without the + operator: javac compiles + to an
 * invokedynamic call whose first use costs the JVM ~20 ms of bootstrap,
 * which would land in every function's Init Duration.
 */
final class Text {
    private Text() {}

    static String cat(String a, String b) {
        return new StringBuilder(a.length() + b.length()).append(a).append(b).toString();
    }

    static String cat(String a, String b, String c) {
        return new StringBuilder().append(a).append(b).append(c).toString();
    }

    static String cat(String a, String b, String c, String d) {
        return new StringBuilder().append(a).append(b).append(c).append(d).toString();
    }

    static String cat(String a, String b, String c, String d, String e) {
        return new StringBuilder().append(a).append(b).append(c).append(d).append(e).toString();
    }

    static String cat(String a, String b, String c, String d, String e, String f) {
        return new StringBuilder().append(a).append(b).append(c).append(d).append(e).append(f).toString();
    }
}
