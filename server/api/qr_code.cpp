#include "server/api/qr_code.hpp"

#include <qrencode.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace stagehub::server {
namespace {

struct QrFree {
    void operator()(QRcode* code) const { QRcode_free(code); }
};

void append_number(std::string& out, int value) {
    out.append(std::to_string(value));
}

}  // namespace

Result<QrSymbol> encode_qr(std::string_view text) {
    const std::string terminated(text);  // libqrencode wants a C string
    // Case-sensitive, mode chosen per segment by libqrencode (a code like K7QF3M is
    // alphanumeric: version 1).
    std::unique_ptr<QRcode, QrFree> code(
        QRcode_encodeString(terminated.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (!code) {
        if (errno == ERANGE)
            return Error{ErrorCode::bad_request, "the text is too long for a QR code"};
        throw std::runtime_error(std::string("libqrencode failed: ").append(std::strerror(errno)));
    }
    QrSymbol symbol;
    symbol.version = code->version;
    symbol.width = code->width;
    const size_t modules = static_cast<size_t>(code->width) * static_cast<size_t>(code->width);
    symbol.dark.reserve(modules);
    // Bit 0 of each byte is the module's colour; the others say what it is part of.
    for (size_t i = 0; i < modules; ++i)
        symbol.dark.push_back(static_cast<uint8_t>(code->data[i] & 1U));
    return symbol;
}

std::string qr_svg(const QrSymbol& symbol) {
    const int size = symbol.width + 2 * kQrQuietZone;
    std::string svg = R"(<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 )";
    append_number(svg, size);
    svg += ' ';
    append_number(svg, size);
    svg.append(R"(" shape-rendering="crispEdges"><rect width=")");
    append_number(svg, size);
    svg.append(R"(" height=")");
    append_number(svg, size);
    svg.append(R"(" fill="#fff"/><path fill="#000" d=")");
    // Each horizontal run of dark modules is one rectangle: "M x y h n v 1 h -n z".
    for (int y = 0; y < symbol.width; ++y) {
        for (int x = 0; x < symbol.width;) {
            if (!symbol.is_dark(x, y)) {
                ++x;
                continue;
            }
            int run = 1;
            while (x + run < symbol.width && symbol.is_dark(x + run, y))
                ++run;
            svg += 'M';
            append_number(svg, x + kQrQuietZone);
            svg += ' ';
            append_number(svg, y + kQrQuietZone);
            svg += 'h';
            append_number(svg, run);
            svg.append("v1h-");
            append_number(svg, run);
            svg += 'z';
            x += run;
        }
    }
    svg.append(R"("/></svg>)");
    svg += '\n';
    return svg;
}

}  // namespace stagehub::server
