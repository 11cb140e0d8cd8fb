//===- HDF5Tree.cpp - read an HDF5 file image with every call checked -----===//
#include "HDF5Tree.h"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <cstring>

using namespace mlir::qsnn::nir_import;

const H5Node *H5Node::member(llvm::StringRef name) const {
  auto it = members.find(name.str());
  return it == members.end() ? nullptr : it->second.get();
}

int64_t H5Node::numElements() const {
  int64_t elements = 1;
  for (int64_t extent : shape)
    elements *= extent;
  return elements;
}

namespace {

/// Closes an HDF5 identifier of any kind when it goes out of scope.
class Handle {
public:
  explicit Handle(hid_t id = H5I_INVALID_HID) : id(id) {}
  Handle(const Handle &) = delete;
  Handle &operator=(const Handle &) = delete;
  ~Handle() {
    if (id >= 0)
      H5Idec_ref(id);
  }
  bool valid() const { return id >= 0; }
  operator hid_t() const { return id; }

private:
  hid_t id;
};

class Reader {
public:
  std::string error;

  bool fail(const std::string &path, const std::string &what) {
    if (error.empty())
      error = "HDF5 " +
              (path.empty() ? std::string("file") : "'" + path + "'") + ": " +
              what;
    return false;
  }

  bool readGroup(hid_t group, H5Node &node, int depth);

private:
  int64_t totalBytes = 0;

  bool charge(const std::string &path, int64_t bytes) {
    totalBytes += bytes;
    if (bytes < 0 || totalBytes > kMaxTotalBytes)
      return fail(path, "the file holds more data than the importer reads (" +
                            std::to_string(kMaxTotalBytes) + " bytes)");
    return true;
  }
  bool readDataset(hid_t dataset, H5Node &node);
  bool readShape(hid_t dataset, H5Node &node);
  bool readStrings(hid_t dataset, hid_t fileType, H5Node &node);
};

bool Reader::readShape(hid_t dataset, H5Node &node) {
  Handle space(H5Dget_space(dataset));
  if (!space.valid())
    return fail(node.path, "cannot read the dataspace");
  H5S_class_t type = H5Sget_simple_extent_type(space);
  if (type == H5S_NULL)
    return fail(node.path, "the dataset is empty (null dataspace)");
  if (type == H5S_SCALAR)
    return true;
  if (type != H5S_SIMPLE)
    return fail(node.path, "unsupported dataspace");
  int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0 || rank > 8)
    return fail(node.path,
                "rank " + std::to_string(rank) + " is not in [0, 8]");
  hsize_t dims[8];
  if (H5Sget_simple_extent_dims(space, dims, nullptr) != rank)
    return fail(node.path, "cannot read the dataspace");
  int64_t elements = 1;
  for (int i = 0; i < rank; ++i) {
    if (dims[i] > static_cast<hsize_t>(kMaxDatasetElements))
      return fail(node.path,
                  "dimension " + std::to_string(dims[i]) + " is too large");
    node.shape.push_back(static_cast<int64_t>(dims[i]));
    elements *= static_cast<int64_t>(dims[i]);
    if (elements > kMaxDatasetElements)
      return fail(node.path, "more than " +
                                 std::to_string(kMaxDatasetElements) +
                                 " elements");
  }
  return true;
}

bool Reader::readStrings(hid_t dataset, hid_t fileType, H5Node &node) {
  node.kind = H5Node::Kind::String;
  size_t count = static_cast<size_t>(node.numElements());
  htri_t variable = H5Tis_variable_str(fileType);
  if (variable < 0)
    return fail(node.path, "cannot read the string type");
  // HDF5 converts strings only between equal character sets (h5py writes
  // ASCII bytes and UTF-8 str): read in the file's own.
  Handle memType(H5Tcopy(H5T_C_S1));
  H5T_cset_t charset = H5Tget_cset(fileType);
  if (!memType.valid() || charset < 0 || H5Tset_cset(memType, charset) < 0)
    return fail(node.path, "cannot read the string type");
  if (variable) {
    if (H5Tset_size(memType, H5T_VARIABLE) < 0 ||
        !charge(node.path, static_cast<int64_t>(count * sizeof(std::string))))
      return fail(node.path, "cannot read the string type");
    std::vector<char *> texts(count, nullptr);
    if (H5Dread(dataset, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()) <
        0)
      return fail(node.path, "cannot read the strings (truncated or corrupt "
                             "file?)");
    bool ok = true;
    for (char *text : texts) {
      size_t length = text ? strnlen(text, kMaxTotalBytes) : 0;
      ok = ok && charge(node.path, static_cast<int64_t>(length));
      node.strings.emplace_back(text ? std::string(text, length) : "");
    }
    Handle space(H5Dget_space(dataset));
    if (space.valid())
      H5Dvlen_reclaim(memType, space, H5P_DEFAULT, texts.data());
    return ok;
  }
  size_t width = H5Tget_size(fileType);
  if (width == 0 || width > static_cast<size_t>(kMaxDatasetElements))
    return fail(node.path, "unsupported string width");
  if (!charge(node.path,
              static_cast<int64_t>(count * (width + sizeof(std::string)))) ||
      H5Tset_size(memType, width) < 0 ||
      H5Tset_strpad(memType, H5T_STR_NULLPAD) < 0)
    return false;
  std::vector<char> bytes(count * width);
  if (H5Dread(dataset, memType, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data()) <
      0)
    return fail(node.path,
                "cannot read the strings (truncated or corrupt file?)");
  for (size_t i = 0; i < count; ++i) {
    const char *text = bytes.data() + i * width;
    node.strings.emplace_back(text, strnlen(text, width));
  }
  return true;
}

bool Reader::readDataset(hid_t dataset, H5Node &node) {
  if (!readShape(dataset, node))
    return false;
  Handle fileType(H5Dget_type(dataset));
  if (!fileType.valid())
    return fail(node.path, "cannot read the datatype");
  H5T_class_t typeClass = H5Tget_class(fileType);
  if (typeClass == H5T_STRING)
    return readStrings(dataset, fileType, node);
  if (typeClass != H5T_INTEGER && typeClass != H5T_FLOAT)
    return fail(node.path, "unsupported datatype (only numbers and strings)");
  node.kind = H5Node::Kind::Numeric;
  node.integerClass = typeClass == H5T_INTEGER;
  int64_t count = node.numElements();
  if (!charge(node.path, count * static_cast<int64_t>(sizeof(double))))
    return false;
  node.numbers.resize(static_cast<size_t>(count));
  if (count > 0 && H5Dread(dataset, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                           H5P_DEFAULT, node.numbers.data()) < 0)
    return fail(node.path,
                "cannot read the values (truncated or corrupt file?)");
  return true;
}

bool Reader::readGroup(hid_t group, H5Node &node, int depth) {
  if (depth > kMaxDepth)
    return fail(node.path, "groups nest deeper than " +
                               std::to_string(kMaxDepth) + " levels");
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0)
    return fail(node.path, "cannot list the group (truncated or corrupt "
                           "file?)");
  if (info.nlinks > static_cast<hsize_t>(kMaxGroupMembers))
    return fail(node.path, "the group has too many members");
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t length = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC,
                                        i, nullptr, 0, H5P_DEFAULT);
    if (length < 0 || length > 4096)
      return fail(node.path, "cannot read a member name");
    std::string name(static_cast<size_t>(length) + 1, '\0');
    if (H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i,
                           name.data(), name.size(), H5P_DEFAULT) < 0)
      return fail(node.path, "cannot read a member name");
    name.resize(static_cast<size_t>(length));
    std::string path = (node.path == "/" ? "" : node.path) + "/" + name;
    H5L_info_t link;
    if (H5Lget_info(group, name.c_str(), &link, H5P_DEFAULT) < 0)
      return fail(path, "cannot read the link");
    if (link.type != H5L_TYPE_HARD)
      return fail(path, "soft and external links are not read");
    Handle object(H5Oopen(group, name.c_str(), H5P_DEFAULT));
    if (!object.valid())
      return fail(path, "cannot open the object (truncated or corrupt file?)");
    // Charged as the importer's decoder charges it (HDF5TreeCodec.cpp).
    if (!charge(path, static_cast<int64_t>(sizeof(H5Node) + name.size())))
      return false;
    auto child = std::make_unique<H5Node>();
    child->path = path;
    H5I_type_t type = H5Iget_type(object);
    if (type == H5I_GROUP) {
      if (!readGroup(object, *child, depth + 1))
        return false;
    } else if (type == H5I_DATASET) {
      if (!readDataset(object, *child))
        return false;
    } else if (type != H5I_DATATYPE) { // named datatypes carry no data
      return fail(path, "unsupported object");
    } else {
      continue;
    }
    node.members.emplace(name, std::move(child));
  }
  return true;
}

} // namespace

std::unique_ptr<H5Node>
mlir::qsnn::nir_import::readHDF5Image(llvm::StringRef image,
                                      std::string &error) {
  // HDF5 prints its error stack on stderr by default; every call here is
  // checked and reported in one line instead.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Reader reader;
  if (image.size() < 8) {
    error = "not an HDF5 file (too short)";
    return nullptr;
  }
  // The image is copied by HDF5 (flags 0): it never writes to our buffer.
  Handle file(
      H5LTopen_file_image(const_cast<char *>(image.data()), image.size(), 0));
  if (!file.valid()) {
    error = "not a readable HDF5 file (truncated or corrupt?)";
    return nullptr;
  }
  auto root = std::make_unique<H5Node>();
  root->path = "/";
  Handle group(H5Gopen2(file, "/", H5P_DEFAULT));
  if (!group.valid() || !reader.readGroup(group, *root, 0)) {
    error = reader.error.empty() ? "cannot read the root group" : reader.error;
    return nullptr;
  }
  return root;
}
