// Why the picture on air changed: what an organisers' console shows, in its own language
// (the `cause` of an `ops` switch message, docs/PROTOCOL.md). The English detail travels
// beside it as the switch's reason.
#pragma once

namespace stagehub::pipelines {

enum class SwitchCause {
    input_back,  // the input is on air: it came (back), or a new run of it started
    input_lost,  // the slate covers an input that went silent, failed or never came
    organiser,   // the slate put up by hand
};

// The wire name: "input_back", "input_lost", "organiser". The only place that spells them.
const char* name_of(SwitchCause cause);

}  // namespace stagehub::pipelines
