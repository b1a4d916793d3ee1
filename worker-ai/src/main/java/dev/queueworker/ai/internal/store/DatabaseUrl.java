package dev.queueworker.ai.internal.store;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The PostgreSQL connection given by {@code databaseUrl}, in either of its two usual forms:
 *
 * <pre>
 * postgresql://user:password@host:5432/database?sslmode=require   (also postgres://; libpq's form)
 * jdbc:postgresql://host:5432/database?user=user&amp;password=secret&amp;sslmode=require
 * </pre>
 *
 * <p>User and password may be percent-encoded; a password holding {@code /} or {@code %} must be. In the {@code postgresql://} form a {@code +} stays a plus, as libpq reads it; in the
 * {@code jdbc:} form it is a space, as the PostgreSQL JDBC driver reads it. The port defaults to
 * 5432. Other query parameters ({@code sslmode}, {@code sslrootcert}, ...) are kept and handed to
 * the driver; libpq's {@code application_name} and {@code connect_timeout} are renamed to the
 * driver's {@code ApplicationName} and {@code connectTimeout}.
 *
 * <p>No message and no {@link #toString()} contains the password.
 */
public final class DatabaseUrl {
    static final String OPTION = "'databaseUrl'";
    private static final int DEFAULT_PORT = 5432;

    private final String host;
    private final int port;
    private final String database;
    private final String user;
    private final String password;
    private final Map<String, String> parameters;

    private DatabaseUrl(String host, int port, String database, String user, String password,
                        Map<String, String> parameters) {
        this.host = host;
        this.port = port;
        this.database = database;
        this.user = user;
        this.password = password;
        this.parameters = Map.copyOf(parameters);
    }

    /**
     * Parses a {@code databaseUrl} value.
     *
     * @throws IllegalArgumentException naming {@code databaseUrl} and what is wrong (never echoing the value)
     */
    public static DatabaseUrl parse(String value) {
        if (value == null || value.isBlank()) {
            throw invalid("is empty");
        }
        String text = value.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        boolean jdbc;
        String rest;
        if (lower.startsWith("jdbc:postgresql://")) {
            jdbc = true;
            rest = text.substring("jdbc:postgresql://".length());
        } else if (lower.startsWith("postgresql://")) {
            jdbc = false;
            rest = text.substring("postgresql://".length());
        } else if (lower.startsWith("postgres://")) {
            jdbc = false;
            rest = text.substring("postgres://".length());
        } else {
            throw invalid("must start with postgresql://, postgres:// or jdbc:postgresql://");
        }

        // As in libpq, the authority ends at the first '/'; within it the user information ends at
        // the last '@', so a password may hold an unencoded '@', ':' or '?' (but not '/').
        String user = null;
        String password = null;
        int authorityEnd = rest.indexOf('/');
        int at = rest.lastIndexOf('@', authorityEnd >= 0 ? authorityEnd : rest.length());
        if (at >= 0) {
            String userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = decode(colon >= 0 ? userInfo.substring(0, colon) : userInfo, false, "user");
            password = colon >= 0 ? decode(userInfo.substring(colon + 1), false, "password") : null;
        }

        String query = "";
        int questionMark = rest.indexOf('?');
        if (questionMark >= 0) {
            query = rest.substring(questionMark + 1);
            rest = rest.substring(0, questionMark);
        }
        String hostPort = rest;
        String database = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            hostPort = rest.substring(0, slash);
            database = decode(rest.substring(slash + 1), jdbc, "database name");
        }

        String host;
        String portText = null;
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            if (close < 0) {
                throw invalid("has an IPv6 host without its closing ']'");
            }
            host = hostPort.substring(1, close);
            String after = hostPort.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw invalid("has text after the IPv6 host that is not a port");
                }
                portText = after.substring(1);
            }
        } else {
            if (hostPort.indexOf(',') >= 0) {
                throw invalid("names several hosts; give exactly one");
            }
            int colon = hostPort.lastIndexOf(':');
            host = colon >= 0 ? hostPort.substring(0, colon) : hostPort;
            portText = colon >= 0 ? hostPort.substring(colon + 1) : null;
        }
        if (host.isEmpty()) {
            throw invalid("names no host");
        }
        if (!host.chars().allMatch(c -> c > ' ' && c != '/' && c != '\\' && c < 127)) {
            throw invalid("has a host with characters a host name cannot have");
        }
        int port = DEFAULT_PORT;
        if (portText != null) {
            if (!portText.matches("[0-9]{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
                throw invalid("has a port that is not a number from 1 to 65535");
            }
            port = Integer.parseInt(portText);
        }

        Map<String, String> parameters = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String key = decode(equals >= 0 ? pair.substring(0, equals) : pair, jdbc, "query parameter name");
                String parameterValue = equals >= 0 ? pair.substring(equals + 1) : "";
                switch (key) {
                    case "user":
                        user = decode(parameterValue, jdbc, "user");
                        break;
                    case "password":
                        password = decode(parameterValue, jdbc, "password");
                        break;
                    case "application_name":
                        parameters.put("ApplicationName", decode(parameterValue, jdbc, "application_name"));
                        break;
                    case "connect_timeout":
                        parameters.put("connectTimeout", decode(parameterValue, jdbc, "connect_timeout"));
                        break;
                    default:
                        parameters.put(key, decode(parameterValue, jdbc, "query parameter " + key));
                }
            }
        }
        if (user == null || user.isEmpty()) {
            throw invalid("names no user (postgresql://user:password@host:port/database)");
        }
        if (database.isEmpty()) {
            throw invalid("names no database (postgresql://user:password@host:port/database)");
        }
        return new DatabaseUrl(host, port, database, user, password, parameters);
    }

    /** Host name or address, without IPv6 brackets. */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String database() {
        return database;
    }

    public String user() {
        return user;
    }

    /** The password, or null when the URL has none. Never log it or put it in a message. */
    public String password() {
        return password;
    }

    /** Query parameters other than user and password, named as the JDBC driver names them. */
    public Map<String, String> parameters() {
        return parameters;
    }

    /** The JDBC URL of host, port and database only: user, password and parameters are passed as properties. */
    public String jdbcUrl() {
        String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return "jdbc:postgresql://" + hostPart + ":" + port + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** Host, port and database, for messages: {@code host:port/database}. */
    public String location() {
        String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return hostPart + ":" + port + "/" + database;
    }

    /** The URL with the password replaced by {@code ***}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("postgresql://").append(user);
        if (password != null) {
            text.append(":***");
        }
        text.append('@').append(location());
        char separator = '?';
        for (Map.Entry<String, String> parameter : parameters.entrySet()) {
            text.append(separator).append(parameter.getKey()).append('=').append(parameter.getValue());
            separator = '&';
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof DatabaseUrl)) {
            return false;
        }
        DatabaseUrl that = (DatabaseUrl) other;
        return port == that.port && host.equals(that.host) && database.equals(that.database)
                && user.equals(that.user) && Objects.equals(password, that.password)
                && parameters.equals(that.parameters);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, database, user, parameters);
    }

    private static String decode(String text, boolean plusIsSpace, String what) {
        if (text.indexOf('%') < 0 && !(plusIsSpace && text.indexOf('+') >= 0)) {
            return text;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%') {
                if (i + 2 >= text.length() || Character.digit(text.charAt(i + 1), 16) < 0
                        || Character.digit(text.charAt(i + 2), 16) < 0) {
                    throw invalid("has a malformed percent-escape in its " + what + " (write % as %25)");
                }
                bytes.write(Character.digit(text.charAt(i + 1), 16) * 16 + Character.digit(text.charAt(i + 2), 16));
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                if (Character.isHighSurrogate(c) && i + 1 < text.length()) {
                    encoded = text.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
                    i++;
                }
                bytes.writeBytes(encoded);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException invalid(String problem) {
        return new IllegalArgumentException(OPTION + " " + problem);
    }
}
