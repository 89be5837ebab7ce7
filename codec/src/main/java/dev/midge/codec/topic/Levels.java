package dev.midge.codec.topic;

/** Splits topic names and filters on '/', keeping empty levels ("a//b", "/a" and "a/" have them). */
final class Levels {
    private Levels() {
    }

    static String[] split(String s) {
        int count = 1;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '/') {
                count++;
            }
        }
        // sized by a first pass: a topic name is split for every message published
        String[] out = new String[count];
        int start = 0;
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '/') {
                out[n++] = s.substring(start, i);
                start = i + 1;
            }
        }
        out[n] = s.substring(start);
        return out;
    }
}
