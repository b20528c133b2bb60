package dev.vitals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HTTP/1.1 written by hand over a socket, so the request line and headers reach Vitals exactly as
 * written: HTTP clients normalise paths and refuse to set Host, which is what these tests must not have.
 */
public final class RawHttp {
    private final int port;

    public RawHttp(int port) {
        this.port = port;
    }

    public record Response(int status, String head, String body) {
    }

    public Response get(String target, Map<String, String> headers) {
        return send("GET", target, headers, null);
    }

    public Response get(String target) {
        return get(target, Map.of());
    }

    /** Sends one request; Host defaults to 127.0.0.1 with Vitals' port unless {@code headers} names one. */
    public Response send(String method, String target, Map<String, String> headers, String body) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("Host", "127.0.0.1:" + port);
        all.putAll(headers);
        all.put("Connection", "close");
        byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            all.put("Content-Length", Integer.toString(payload.length));
        }
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        all.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
        request.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            String text = bytes.toString(StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String rest = end < 0 ? "" : text.substring(end + 4);
            return new Response(Integer.parseInt(head.substring(9, 12)), head, rest);
        } catch (IOException e) {
            throw new IllegalStateException("request " + method + " " + target + " failed: " + e, e);
        }
    }
}
