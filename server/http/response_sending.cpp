// Writing an HTTP answer: its headers, then its body by one of three strategies, chosen by
// where the body is (a handler's body in memory, a file the cache holds, a file on disk).
#include <fcntl.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "server/http/http_server_impl.hpp"

namespace stagehub::server {

namespace http_detail {

// The status line and headers as lws formats them, after LWS_PRE bytes of room.
struct ResponseHead {
    std::vector<unsigned char> buffer = std::vector<unsigned char>(LWS_PRE + 4096);
    size_t length = 0;  // bytes of headers after LWS_PRE
    unsigned char* start() { return buffer.data() + LWS_PRE; }
};

}  // namespace http_detail

using namespace http_detail;

namespace {

// An HTTP/2 stream is a child of its network connection; HTTP/1.1 is the connection itself.
bool is_http2_stream(lws* wsi) {
    return lws_get_network_wsi(wsi) != wsi;
}

// Where an answer's body comes from, which decides how it is sent.
enum class BodySource {
    memory,       // HttpResponse::body, built by a handler
    cached_file,  // HttpResponse::file_bytes, a file the FileCache holds
    disk_file,    // HttpResponse::file, read from disk as it goes
};

BodySource body_source_of(const HttpResponse& r) {
    if (r.file_bytes)
        return BodySource::cached_file;
    return r.file.empty() ? BodySource::memory : BodySource::disk_file;
}

// Formats the answer's headers, the application's (Config::finish_headers) included.
bool format_head(lws* wsi, const HttpServer::Config& config, const HttpRequest& request,
                 HttpResponse& r, ResponseHead& head) {
    unsigned char* start = head.start();
    unsigned char* p = start;
    unsigned char* end = head.buffer.data() + head.buffer.size() - 1;
    if (lws_add_http_common_headers(wsi, static_cast<unsigned>(r.status), r.content_type.c_str(),
                                    r.content_length(), &p, end)) {
        return false;
    }
    r.header("x-content-type-options", "nosniff");
    if (config.finish_headers)
        config.finish_headers(request, r);
    for (const auto& [name, value] : r.headers) {
        const std::string header = name + ":";
        if (lws_add_http_header_by_name(wsi, reinterpret_cast<const unsigned char*>(header.c_str()),
                                        reinterpret_cast<const unsigned char*>(value.data()),
                                        static_cast<int>(value.size()), &p, end)) {
            return false;
        }
    }
    if (lws_finalize_http_header(wsi, &p, end))
        return false;
    head.length = static_cast<size_t>(p - start);
    return true;
}

bool write_head(lws* wsi, ResponseHead& head, lws_write_protocol flags) {
    const int length = static_cast<int>(head.length);
    return lws_write(wsi, head.start(), head.length, flags) == length;
}

// HTTP/1.1 with the body in memory: all of it at once. lws sends what the socket takes,
// keeps the rest and completes the transaction when it has gone, which saves a poll
// change (a wakeup of the GLib loop) per chunk. Nothing is framed on HTTP/1.1, so lws
// writes neither before nor into the bytes and the cache's copy goes out as it is.
bool write_whole_body(lws* wsi, const char* data, size_t length) {
    auto* bytes = reinterpret_cast<unsigned char*>(const_cast<char*>(data));
    return lws_write(wsi, bytes, length, LWS_WRITE_HTTP_FINAL) == static_cast<int>(length);
}

}  // namespace

int HttpServer::Impl::respond(lws* wsi, HttpExchange& exchange, HttpResponse response,
                              bool complete) {
    if (response.deferred) {
        exchange.answered = true;
        exchange.deferred = true;
        awaiting[exchange.request.exchange] = wsi;
        return 0;
    }
    if (!response.file.empty() && !response.file_bytes) {
        FileHandle file(::open(response.file.c_str(), O_RDONLY | O_CLOEXEC));
        if (file.get() < 0) {
            response = error_response(404, "not_found", "no file at " + exchange.request.path);
        } else {
            exchange.file = std::move(file);
        }
    }
    // No header may carry a line break (response splitting): whatever built it, it is a bug.
    if (const auto header = unsafe_header(response)) {
        gchar* name = g_strescape(header->c_str(), nullptr);  // the name may be the culprit
        g_warning("%s: refused to send header '%s' with a line break; answered 500 instead",
                  exchange.request.path.c_str(), name);
        g_free(name);
        response = error_response(500, "internal", "the server built an unsafe header");
    }
    stamp_request_id(response, exchange.request.request_id);
    if (config.on_answered)
        config.on_answered(exchange.request, response);
    exchange.answered = true;
    exchange.response = std::move(response);
    exchange.send_body = exchange.request.method != HttpMethod::head;
    exchange.sent = 0;

    ResponseHead head;
    if (!format_head(wsi, config, exchange.request, exchange.response, head))
        return -1;
    if (!exchange.send_body || exchange.response.content_length() == 0)
        return send_head_only(wsi, head, complete);
    switch (body_source_of(exchange.response)) {
        case BodySource::memory:
            return send_memory_body(wsi, exchange, head, complete);
        case BodySource::cached_file:
            return send_cached_file(wsi, exchange, head, complete);
        case BodySource::disk_file:
            return stream_disk_file(wsi, head);
    }
    return -1;
}

int HttpServer::Impl::send_head_only(lws* wsi, ResponseHead& head, bool complete) {
    // An HTTP/2 stream without a body ends with its headers; nothing else would tell the
    // client the response is complete.
    int flags = LWS_WRITE_HTTP_HEADERS;
    if (is_http2_stream(wsi))
        flags |= LWS_WRITE_H2_STREAM_END;
    if (!write_head(wsi, head, static_cast<lws_write_protocol>(flags)))
        return -1;
    return complete ? finish_transaction(wsi) : 0;
}

int HttpServer::Impl::send_memory_body(lws* wsi, HttpExchange& exchange, ResponseHead& head,
                                       bool complete) {
    const HttpResponse& r = exchange.response;
    const auto body_length = static_cast<size_t>(r.content_length());
    // HTTP/1.1 with a small body (an API answer): the body goes in the same send as the
    // headers. HTTP/1.1 frames nothing, so to lws these are header bytes like any, and one
    // send() instead of two saves a system call per request (what that is of a request's
    // cost: docs/BENCHMARKS.md, "Figures behind design choices").
    if (!is_http2_stream(wsi) && body_length <= kInlineBodyBytes) {
        head.buffer.resize(LWS_PRE + head.length + body_length);
        std::copy_n(r.body.data(), body_length, head.start() + head.length);
        head.length += body_length;
        if (!write_head(wsi, head, LWS_WRITE_HTTP_HEADERS))
            return -1;
        return complete ? finish_transaction(wsi) : 0;
    }
    if (!write_head(wsi, head, LWS_WRITE_HTTP_HEADERS))
        return -1;
    if (!is_http2_stream(wsi)) {
        if (!write_whole_body(wsi, r.body.data(), body_length))
            return -1;
        return complete ? finish_transaction(wsi) : 0;
    }
    lws_callback_on_writable(wsi);  // HTTP/2: chunk by chunk (write_body)
    return 0;
}

int HttpServer::Impl::send_cached_file(lws* wsi, HttpExchange& exchange, ResponseHead& head,
                                       bool complete) {
    const HttpResponse& r = exchange.response;
    if (!write_head(wsi, head, LWS_WRITE_HTTP_HEADERS))
        return -1;
    if (!is_http2_stream(wsi)) {
        if (!write_whole_body(wsi, r.file_bytes->data() + r.file_offset,
                              static_cast<size_t>(r.content_length())))
            return -1;
        return complete ? finish_transaction(wsi) : 0;
    }
    lws_callback_on_writable(wsi);  // HTTP/2: chunk by chunk (write_body)
    return 0;
}

int HttpServer::Impl::stream_disk_file(lws* wsi, ResponseHead& head) {
    if (!write_head(wsi, head, LWS_WRITE_HTTP_HEADERS))
        return -1;
    lws_callback_on_writable(wsi);  // read and sent chunk by chunk (write_body)
    return 0;
}

int HttpServer::Impl::write_body(lws* wsi, HttpExchange& exchange) {
    const HttpResponse& r = exchange.response;
    const uint64_t total = r.content_length();
    if (!exchange.send_body || exchange.sent >= total)
        return 0;
    size_t chunk = static_cast<size_t>(std::min<uint64_t>(kHttpChunk, total - exchange.sent));
    // HTTP/2: no more than the peer's window allows (-1: HTTP/1.1, no limit), and one DATA
    // frame per write, which lws builds in its per-thread buffer.
    if (const lws_fileofs_t allowance = lws_get_peer_write_allowance(wsi); allowance >= 0) {
        if (allowance == 0) {
            lws_callback_on_writable(wsi);
            return 0;
        }
        chunk = std::min({chunk, static_cast<size_t>(allowance), kHttp2Chunk});
    }
    // One buffer for every write: lws wants LWS_PRE bytes of room before the payload.
    if (write_buffer.size() < LWS_PRE + chunk)
        write_buffer.resize(LWS_PRE + chunk);
    unsigned char* payload = write_buffer.data() + LWS_PRE;
    switch (body_source_of(r)) {
        case BodySource::cached_file:
            std::copy_n(r.file_bytes->data() + r.file_offset + exchange.sent, chunk, payload);
            break;
        case BodySource::memory:
            std::copy_n(r.body.data() + exchange.sent, chunk, payload);
            break;
        case BodySource::disk_file: {
            const ssize_t n = ::pread(exchange.file.get(), payload, chunk,
                                      static_cast<off_t>(r.file_offset + exchange.sent));
            // The file shrank or vanished mid-send: the declared length can no longer be met.
            if (n != static_cast<ssize_t>(chunk))
                return -1;
            break;
        }
    }
    exchange.sent += chunk;
    const bool last = exchange.sent >= total;
    if (lws_write(wsi, payload, chunk, last ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) !=
        static_cast<int>(chunk)) {
        return -1;
    }
    if (last)
        return finish_transaction(wsi);
    lws_callback_on_writable(wsi);
    return 0;
}

}  // namespace stagehub::server
