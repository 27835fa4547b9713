#include "report/image_json.h"

static const char *media_type_of(const struct layer_info *info, const struct layer *l)
{
	if (info->media_type)
		return info->media_type;
	switch (l->compression) {
	case COMPRESSION_GZIP: return "application/vnd.oci.image.layer.v1.tar+gzip";
	case COMPRESSION_ZSTD: return "application/vnd.oci.image.layer.v1.tar+zstd";
	default: return "application/vnd.oci.image.layer.v1.tar";
	}
}

const char *image_layer_digest(const struct image *img, const struct image_model *m, size_t i)
{
	return img->layers[i].digest ? img->layers[i].digest : m->layers[i]->stored_digest;
}

void image_totals(const struct image_model *m, uint64_t *files, uint64_t *bytes)
{
	*files = *bytes = 0;
	for (size_t i = 0; i < m->n_layers; i++) {
		*files += m->layers[i]->n_entries;
		*bytes += m->layers[i]->file_bytes;
	}
}

json_t *image_layers_json(const struct image *img, const struct image_model *m)
{
	json_t *jlayers = json_array();
	for (size_t i = 0; i < m->n_layers; i++) {
		const struct layer *l = m->layers[i];
		const struct layer_info *info = &img->layers[i];
		json_t *j = json_object();
		json_object_set_new(j, "index", json_integer((json_int_t)i));
		json_object_set_new(j, "digest", json_string(image_layer_digest(img, m, i)));
		json_object_set_new(j, "diffId", json_string(l->diff_id));
		json_object_set_new(j, "mediaType", json_string(media_type_of(info, l)));
		json_object_set_new(j, "compression", json_string(compression_name(l->compression)));
		json_object_set_new(j, "compressedSize", json_integer((json_int_t)l->stored_bytes));
		json_object_set_new(j, "tarSize", json_integer((json_int_t)l->tar_bytes));
		json_object_set_new(j, "size", json_integer((json_int_t)l->file_bytes));
		json_object_set_new(j, "files", json_integer((json_int_t)l->n_entries));
		json_object_set_new(j, "command", json_string(info->command ? info->command : ""));
		json_object_set_new(j, "createdBy", json_string(info->created_by ? info->created_by : ""));
		json_array_append_new(jlayers, j);
	}
	return jlayers;
}

json_t *image_summary_json(const struct image *img, const struct image_model *m)
{
	json_t *jimg = json_object();
	uint64_t files, size;
	image_totals(m, &files, &size);
	json_object_set_new(jimg, "reference", json_string(img->reference));
	json_object_set_new(jimg, "transport", json_string(img->transport));
	json_object_set_new(jimg, "layers", json_integer((json_int_t)m->n_layers));
	json_object_set_new(jimg, "files", json_integer((json_int_t)files));
	json_object_set_new(jimg, "sizeBytes", json_integer((json_int_t)size));
	json_object_set_new(jimg, "configDigest", json_string(img->config_digest));
	if (img->manifest_digest)
		json_object_set_new(jimg, "manifestDigest", json_string(img->manifest_digest));
	json_object_set_new(jimg, "os", json_string(img->os));
	json_object_set_new(jimg, "architecture", json_string(img->architecture));
	return jimg;
}
