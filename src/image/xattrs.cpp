#include "image/xattrs.hpp"

#include <sys/xattr.h>

#include <cerrno>

#include "common/error.hpp"

namespace berth::image {

std::vector<std::string> list_xattrs(const std::string& path) {
    std::vector<std::string> out;
    for (;;) {
        ssize_t n = ::listxattr(path.c_str(), nullptr, 0);
        if (n < 0) {
            if (errno == ENOTSUP) return out;
            throw_errno("list xattrs of " + path);
        }
        std::string buf(static_cast<size_t>(n), '\0');
        n = ::listxattr(path.c_str(), buf.data(), buf.size());
        if (n < 0 && errno == ERANGE) continue;
        if (n < 0) throw_errno("list xattrs of " + path);
        for (size_t pos = 0; pos < static_cast<size_t>(n);) {
            std::string name(buf.c_str() + pos);
            pos += name.size() + 1;
            if (!name.empty()) out.push_back(std::move(name));
        }
        return out;
    }
}

std::string get_xattr(const std::string& path, const std::string& name) {
    for (;;) {
        ssize_t n = ::getxattr(path.c_str(), name.c_str(), nullptr, 0);
        if (n < 0) throw_errno("get xattr " + name + " of " + path);
        std::string value(static_cast<size_t>(n), '\0');
        n = ::getxattr(path.c_str(), name.c_str(), value.data(), value.size());
        if (n < 0 && errno == ERANGE) continue;
        if (n < 0) throw_errno("get xattr " + name + " of " + path);
        value.resize(static_cast<size_t>(n));
        return value;
    }
}

void restore_xattrs(const std::string& path,
                    const std::vector<std::pair<std::string, std::string>>& kept,
                    const std::string& shown) {
    for (const auto& name : list_xattrs(path)) {
        bool keep = false;
        for (const auto& [n, v] : kept) keep = keep || n == name;
        if (!keep && ::removexattr(path.c_str(), name.c_str()) < 0)
            throw_errno("remove xattr " + name + " of " + shown);
    }
    for (const auto& [n, v] : kept) {
        if (::setxattr(path.c_str(), n.c_str(), v.data(), v.size(), 0) < 0)
            throw_errno("restore xattr " + n + " of " + shown);
    }
}

}  // namespace berth::image
