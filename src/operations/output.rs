//! Purpose: where backups and exports may be written, and how: only under
//! `operations.output_dir`, folders 0700 and files 0600 (the store's whole content, read
//! by nobody but the bot's user), and never over anything that exists. A path is taken
//! relative to the output directory, or absolute inside it; `..`, and symbolic links
//! leading out of it, are refused.

use std::fs::{DirBuilder, File, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

const DIR_MODE: u32 = 0o700;
const FILE_MODE: u32 = 0o600;

/// Why an output path was refused, as a sentence for the person who asked.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "{path} is outside operations.output_dir ({dir}): backups and exports are written only \
         there. Give a name inside it, like backup-2026-11-22."
    )]
    Outside { path: PathBuf, dir: PathBuf },
    #[error("{path}: give a name inside operations.output_dir, without `..`.")]
    NotAName { path: PathBuf },
    #[error(
        "{path} already exists: backups and exports never overwrite anything. Choose a new name."
    )]
    Exists { path: PathBuf },
    #[error(
        "operations.output_dir ({dir}) can be written by other users (mode {mode:o}); make it \
         private first: chmod 700 {dir}."
    )]
    Shared { dir: PathBuf, mode: u32 },
    #[error("operations.output_dir ({dir}) is not a directory.")]
    NotADirectory { dir: PathBuf },
    #[error("{path}: {source}.")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> OutputError + '_ {
    move |source| OutputError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The output directory, made to exist (0700) and checked private.
#[derive(Debug, Clone)]
pub struct OutputDir {
    /// Canonical: symbolic links resolved, so containment is checked on real paths.
    root: PathBuf,
    /// As configured (made absolute): how people write it, which may go through a link.
    given: PathBuf,
}

impl OutputDir {
    /// Creates `dir` (0700, with its missing parents) if needed, and refuses one that
    /// other users can write to (they could swap what is inside).
    pub fn prepare(dir: &Path) -> Result<OutputDir, OutputError> {
        let absolute = std::path::absolute(dir).map_err(io(dir))?;
        DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(&absolute)
            .map_err(io(&absolute))?;
        let root = absolute.canonicalize().map_err(io(&absolute))?;
        let meta = std::fs::metadata(&root).map_err(io(&root))?;
        if !meta.is_dir() {
            return Err(OutputError::NotADirectory { dir: root });
        }
        let mode = meta.mode() & 0o777;
        if mode & 0o022 != 0 {
            return Err(OutputError::Shared { dir: root, mode });
        }
        Ok(OutputDir {
            root,
            given: absolute,
        })
    }

    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Where `requested` (relative to the output directory, or absolute inside it) is,
    /// with its missing parent folders created 0700. It must not exist.
    pub fn resolve(&self, requested: &Path) -> Result<PathBuf, OutputError> {
        let relative = if requested.is_absolute() {
            let lexical = std::path::absolute(requested).map_err(io(requested))?;
            match lexical
                .strip_prefix(&self.root)
                .or_else(|_| lexical.strip_prefix(&self.given))
            {
                Ok(rest) => rest.to_owned(),
                Err(_) => {
                    return Err(OutputError::Outside {
                        path: requested.to_owned(),
                        dir: self.root.clone(),
                    });
                }
            }
        } else {
            requested.to_owned()
        };
        let mut parts = Vec::new();
        for part in relative.components() {
            match part {
                Component::Normal(name) => parts.push(name),
                Component::CurDir => {}
                _ => {
                    return Err(OutputError::NotAName {
                        path: requested.to_owned(),
                    });
                }
            }
        }
        let Some((name, folders)) = parts.split_last() else {
            return Err(OutputError::NotAName {
                path: requested.to_owned(),
            });
        };
        let mut parent = self.root.clone();
        parent.extend(folders);
        DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(&parent)
            .map_err(io(&parent))?;
        // A symbolic link among the folders could lead anywhere: check where they really are.
        let real = parent.canonicalize().map_err(io(&parent))?;
        if !real.starts_with(&self.root) {
            return Err(OutputError::Outside {
                path: requested.to_owned(),
                dir: self.root.clone(),
            });
        }
        let target = real.join(name);
        match std::fs::symlink_metadata(&target) {
            Ok(_) => Err(OutputError::Exists { path: target }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(target),
            Err(e) => Err(io(&target)(e)),
        }
    }
}

/// A new file, 0600 from the moment it exists; fails if anything is at `path`.
pub fn create_file(path: &Path) -> Result<File, OutputError> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(FILE_MODE)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => OutputError::Exists {
                path: path.to_owned(),
            },
            _ => io(path)(e),
        })
}

/// A new folder, 0700 from the moment it exists; fails if anything is at `path`.
pub fn create_dir(path: &Path) -> Result<(), OutputError> {
    DirBuilder::new()
        .mode(DIR_MODE)
        .create(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => OutputError::Exists {
                path: path.to_owned(),
            },
            _ => io(path)(e),
        })?;
    // The process's umask may have taken bits off, never added any; this is exact.
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(DIR_MODE)).map_err(io(path))
}

/// Makes everything under `dir` (what sled wrote for a backup, with its own modes)
/// 0600 for files and 0700 for folders.
pub fn make_private(dir: &Path) -> Result<(), OutputError> {
    let meta = std::fs::symlink_metadata(dir).map_err(io(dir))?;
    if meta.file_type().is_symlink() {
        return Ok(());
    }
    let mode = if meta.is_dir() { DIR_MODE } else { FILE_MODE };
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode)).map_err(io(dir))?;
    if meta.is_dir() {
        for entry in std::fs::read_dir(dir).map_err(io(dir))? {
            make_private(&entry.map_err(io(dir))?.path())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().mode() & 0o777
    }

    #[test]
    fn the_output_directory_is_created_private() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = OutputDir::prepare(&tmp.path().join("out/nested")).unwrap();
        assert_eq!(mode(dir.path()), 0o700);
        assert_eq!(mode(&tmp.path().join("out")), 0o700);
    }

    #[test]
    fn a_directory_others_can_write_is_refused() {
        let tmp = tempfile::tempdir().unwrap();
        let shared = tmp.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).unwrap();
        assert!(matches!(
            OutputDir::prepare(&shared),
            Err(OutputError::Shared { .. })
        ));
    }

    #[test]
    fn names_resolve_inside_and_nothing_else_does() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = OutputDir::prepare(&tmp.path().join("out")).unwrap();
        let root = dir.path().to_owned();
        assert_eq!(
            dir.resolve(Path::new("backup-1")).unwrap(),
            root.join("backup-1")
        );
        assert_eq!(
            dir.resolve(&root.join("2026/cases.csv")).unwrap(),
            root.join("2026/cases.csv")
        );
        assert_eq!(mode(&root.join("2026")), 0o700, "folders made on the way");
        for bad in ["../escape", "a/../../b", "", "."] {
            assert!(
                matches!(
                    dir.resolve(Path::new(bad)),
                    Err(OutputError::NotAName { .. })
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            dir.resolve(&tmp.path().join("elsewhere")),
            Err(OutputError::Outside { .. })
        ));
        assert!(matches!(
            dir.resolve(Path::new("/etc/passwd")),
            Err(OutputError::Outside { .. })
        ));
        std::os::unix::fs::symlink(tmp.path(), root.join("link")).unwrap();
        assert!(
            matches!(
                dir.resolve(Path::new("link/x")),
                Err(OutputError::Outside { .. })
            ),
            "a link leading out"
        );
        std::fs::write(root.join("taken"), "x").unwrap();
        assert!(matches!(
            dir.resolve(Path::new("taken")),
            Err(OutputError::Exists { .. })
        ));
    }

    #[test]
    fn files_and_folders_are_created_private_and_never_over_anything() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("cases.csv");
        drop(create_file(&file).unwrap());
        assert_eq!(mode(&file), 0o600);
        assert!(matches!(
            create_file(&file),
            Err(OutputError::Exists { .. })
        ));
        let folder = tmp.path().join("backup");
        create_dir(&folder).unwrap();
        assert_eq!(mode(&folder), 0o700);
        assert!(matches!(
            create_dir(&folder),
            Err(OutputError::Exists { .. })
        ));
        std::fs::write(folder.join("db"), "x").unwrap();
        std::fs::set_permissions(folder.join("db"), std::fs::Permissions::from_mode(0o644))
            .unwrap();
        make_private(&folder).unwrap();
        assert_eq!(mode(&folder.join("db")), 0o600);
    }
}
