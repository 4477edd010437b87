#!/usr/bin/env bash
# Java's answers for regular expressions: the truth `src/java/regex.rs` is checked
# against (the `regex-*` cases name it in their `case.json`).
#
# Reads one JSON array per line (from the files given, or stdin) and prints each
# line followed by Java's answer:
#
#   ["matches", pattern, input]                 String.matches
#   ["replaceAll", pattern, input, replacement] String.replaceAll
#   ["replaceFirst", pattern, input, replacement]
#   ["split", pattern, input]                   String.split(regex)
#   ["split", pattern, input, limit]            String.split(regex, limit)
#   ["find", pattern, input]                    every Matcher.find(): [start,end,group0,group1,...]
#   ["compile", pattern]                        ok, or the PatternSyntaxException
#
# An answer is JSON (a string, a boolean or an array); an exception prints as
# `!ClassName: message` (a PatternSyntaxException's message is its description and
# index, as `getDescription() near index N`; control characters as \uXXXX). Lines
# starting with `#` are copied. To answer the truth file again:
#
#   grep -av '^  =>' tests/regex/java-truth.txt | scripts/java-regex-truth.sh > t && mv t tests/regex/java-truth.txt
#
#   printf '%s\n' '["replaceAll", "\\w", "aé1", "x"]' | scripts/java-regex-truth.sh
#   JAVA=/path/to/bin/java scripts/java-regex-truth.sh cases.jsonl
#
# Uses OpenJDK 17 (the `jshell` of this machine) unless JAVA says otherwise.
set -euo pipefail
JAVA=${JAVA:-$(dirname "$(readlink -f /usr/bin/jshell)")/java}
work=$(mktemp -d -t java-regex-truth-XXXXXX); trap 'rm -rf "$work"' EXIT
cat > "$work/Truth.java" <<'EOF'
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.regex.*;

public class Truth {
    static int pos;
    static String src;

    static List<Object> parseArray(String s) {
        src = s; pos = 0; ws();
        expect('[');
        List<Object> out = new ArrayList<>();
        ws();
        if (peek() == ']') { pos++; return out; }
        for (;;) {
            ws();
            out.add(value());
            ws();
            char c = src.charAt(pos++);
            if (c == ']') return out;
            if (c != ',') throw new IllegalArgumentException("bad JSON at " + pos);
        }
    }
    static char peek() { return src.charAt(pos); }
    static void ws() { while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) pos++; }
    static void expect(char c) { if (src.charAt(pos++) != c) throw new IllegalArgumentException("expected " + c); }
    static Object value() {
        if (peek() == '"') return string();
        int start = pos;
        while (pos < src.length() && (Character.isDigit(peek()) || peek() == '-')) pos++;
        return Integer.parseInt(src.substring(start, pos));
    }
    static String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        for (;;) {
            char c = src.charAt(pos++);
            if (c == '"') return sb.toString();
            if (c != '\\') { sb.append(c); continue; }
            char e = src.charAt(pos++);
            switch (e) {
                case 'n': sb.append('\n'); break;
                case 't': sb.append('\t'); break;
                case 'r': sb.append('\r'); break;
                case 'f': sb.append('\f'); break;
                case 'b': sb.append('\b'); break;
                case 'u': sb.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16)); pos += 4; break;
                default: sb.append(e);
            }
        }
    }

    static String json(Object o) {
        if (o instanceof Boolean || o instanceof Integer) return o.toString();
        if (o == null) return "null";
        if (o instanceof Object[]) {
            StringJoiner j = new StringJoiner(", ", "[", "]");
            for (Object x : (Object[]) o) j.add(json(x));
            return j.toString();
        }
        if (o instanceof List) return json(((List<?>) o).toArray());
        String s = (String) o;
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20 || Character.isSurrogate(c)) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    /** Control characters as `\\uXXXX`, so that the answers stay text. */
    static String controls(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    static Object run(List<Object> a) {
        String op = (String) a.get(0);
        String p = (String) a.get(1);
        switch (op) {
            case "matches": return ((String) a.get(2)).matches(p);
            case "replaceAll": return ((String) a.get(2)).replaceAll(p, (String) a.get(3));
            case "replaceFirst": return ((String) a.get(2)).replaceFirst(p, (String) a.get(3));
            case "split":
                return a.size() > 3 ? ((String) a.get(2)).split(p, (Integer) a.get(3))
                                    : ((String) a.get(2)).split(p);
            case "compile": Pattern.compile(p); return "ok";
            case "find": {
                Matcher m = Pattern.compile(p).matcher((String) a.get(2));
                List<Object> all = new ArrayList<>();
                while (m.find()) {
                    List<Object> one = new ArrayList<>();
                    one.add(m.start()); one.add(m.end());
                    for (int g = 0; g <= m.groupCount(); g++) one.add(m.group(g));
                    all.add(one);
                }
                return all;
            }
            default: throw new IllegalArgumentException("unknown operation " + op);
        }
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            out.println(line);
            if (line.startsWith("#")) continue;
            String answer;
            try {
                answer = json(run(parseArray(line)));
            } catch (PatternSyntaxException e) {
                answer = "!PatternSyntaxException: " + controls(e.getDescription()) + " near index " + e.getIndex();
            } catch (Exception e) {
                answer = "!" + e.getClass().getSimpleName() + ": " + controls(e.getMessage());
            } catch (StackOverflowError e) {
                answer = "!StackOverflowError";
            }
            out.println("  => " + answer);
        }
    }
}
EOF
cat "$@" | "$JAVA" -Xss16m "$work/Truth.java"
