package dev.midge.codec.topic;

import java.util.ArrayList;
import java.util.List;

/** Splits topic names and filters on '/', keeping empty levels ("a//b", "/a" and "a/" have them). */
final class Levels {
    private Levels() {
    }

    static String[] split(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '/') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out.toArray(new String[0]);
    }
}
