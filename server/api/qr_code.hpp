// QR codes as SVG, for the check-in code a citizen shows at the door. The symbol is
// libqrencode's (error correction M: a scratched phone screen still scans); this file only
// draws it: one <path> of the dark modules inside a white quiet zone of four modules, the
// viewBox in modules, crisp edges at any size.
//
// Threads: any (libqrencode is built thread-safe on Debian).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "schedule/result.hpp"

namespace stagehub::server {

inline constexpr int kQrQuietZone = 4;  // modules of white around the symbol (ISO/IEC 18004)

struct QrSymbol {
    int version = 0;            // 1–40
    int width = 0;              // modules per side: 17 + 4 × version
    std::vector<uint8_t> dark;  // width × width, row by row; 1 = dark

    bool is_dark(int x, int y) const {
        return dark[static_cast<size_t>(y) * static_cast<size_t>(width) + static_cast<size_t>(x)] !=
               0;
    }
};

// Errors: "bad_request" when the text does not fit in a QR code.
Result<QrSymbol> encode_qr(std::string_view text);

// The symbol as a standalone SVG document: viewBox "0 0 N N" with N = width + 8.
std::string qr_svg(const QrSymbol& symbol);

}  // namespace stagehub::server
