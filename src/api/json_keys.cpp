#include "api/json_keys.hpp"

#include <cctype>
#include <string>
#include <vector>

namespace berth::api {

namespace {

bool equal_fold(const std::string& a, const char* b) {
    size_t i = 0;
    for (; i < a.size() && b[i]; ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return i == a.size() && !b[i];
}

}  // namespace

void canonicalize_keys(Json& object, std::initializer_list<const char*> fields) {
    if (!object.is_object()) return;
    for (const char* field : fields) {
        std::vector<std::string> variants;
        for (const auto& [key, value] : object.items())
            if (key != field && equal_fold(key, field)) variants.push_back(key);
        if (variants.empty()) continue;
        if (!object.contains(field)) object[field] = object[variants.back()];
        for (const auto& v : variants) object.erase(v);
    }
}

}  // namespace berth::api
