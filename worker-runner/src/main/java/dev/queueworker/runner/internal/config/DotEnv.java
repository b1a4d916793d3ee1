package dev.queueworker.runner.internal.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a {@code .env} file as systemd's {@code EnvironmentFile=} and docker's {@code --env-file}
 * read the common subset: {@code NAME=value} lines, {@code #} comments and blank lines ignored, an
 * optional {@code export } prefix, values optionally in single or double quotes (double quotes
 * understand {@code \"}, {@code \\} and {@code \n}). A line that is none of these stops start-up,
 * naming the file and line but not the line's text (it may hold a secret).
 */
public final class DotEnv {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private DotEnv() {
    }

    /** The variables of {@code file}, in file order; a later line wins over an earlier one. */
    public static Map<String, String> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read the env file " + file + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (i == 0 && line.startsWith("\uFEFF")) {
                line = line.substring(1).strip();
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            String where = file + " line " + (i + 1);
            if (eq <= 0) {
                throw new ConfigException(where + ": expected NAME=value");
            }
            String name = line.substring(0, eq).strip();
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(where + ": '" + name + "' is not a variable name");
            }
            values.put(name, value(line.substring(eq + 1).strip(), where, name));
        }
        return values;
    }

    private static String value(String raw, String where, String name) {
        if (raw.startsWith("\"")) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < raw.length(); i++) {
                char c = raw.charAt(i);
                if (c == '\\' && i + 1 < raw.length()) {
                    char next = raw.charAt(++i);
                    out.append(switch (next) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        default -> next;
                    });
                } else if (c == '"') {
                    checkRest(raw.substring(i + 1), where, name);
                    return out.toString();
                } else {
                    out.append(c);
                }
            }
            throw new ConfigException(where + ": the value of " + name + " has no closing \"");
        }
        if (raw.startsWith("'")) {
            int end = raw.indexOf('\'', 1);
            if (end < 0) {
                throw new ConfigException(where + ": the value of " + name + " has no closing '");
            }
            checkRest(raw.substring(end + 1), where, name);
            return raw.substring(1, end);
        }
        // Unquoted: a " #" starts a comment, as in docker's and dotenv's files.
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }

    private static void checkRest(String rest, String where, String name) {
        String r = rest.strip();
        if (!r.isEmpty() && !r.startsWith("#")) {
            throw new ConfigException(where + ": unexpected text after the quoted value of " + name);
        }
    }
}
