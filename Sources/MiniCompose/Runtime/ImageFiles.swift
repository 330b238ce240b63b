/// Where saved images live in `working_dir`: `<name>.tar` (a docker-archive) and `<name>.sif`, the name being
/// the image reference with `/` and `:` turned into `_` (`registry.local/app:2` → `registry.local_app_2`).
public enum ImageFiles {
    public static func baseName(_ image: String) -> String {
        String(image.map { $0 == "/" || $0 == ":" || $0 == "@" ? "_" : $0 })
    }

    public static func archive(_ image: String, in directory: String) -> String {
        directory + "/" + baseName(image) + ".tar"
    }

    public static func sif(_ image: String, in directory: String) -> String {
        directory + "/" + baseName(image) + ".sif"
    }
}
