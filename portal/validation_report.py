"""Validation problems as people read them: grouped by file and column, a few example rows,
what went wrong and how to fix it, in Indonesian (translatable) beside frictionless' English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePath

from .catalog import Issue
from .profile import DESCRIPTOR_NAMES, N_

EXAMPLES_PER_GROUP = 5

# What each error code means and how to fix it.
HINTS = {
    "type-error": (N_("Nilai tidak sesuai tipe kolom."),
                   N_("Perbaiki sel agar sesuai tipe kolom: angka tanpa pemisah ribuan dengan titik desimal, "
                      "tanggal YYYY-MM-DD, boolean true/false.")),
    "constraint-error": (N_("Nilai melanggar batasan kolom."),
                         N_("Periksa batasan di kamus data (wajib diisi, unik, pola, rentang, daftar nilai) dan "
                            "perbaiki selnya.")),
    "primary-key": (N_("Kunci primer ganda atau kosong."),
                    N_("Setiap baris harus punya kunci primer yang unik: hapus baris ganda atau perbaiki kodenya.")),
    "foreign-key": (N_("Nilai tidak ada di tabel rujukan."),
                    N_("Periksa ejaan kode, atau tambahkan kode itu ke tabel rujukan lebih dulu.")),
    "missing-cell": (N_("Baris kekurangan sel."),
                     N_("Jumlah sel harus sama dengan jumlah kolom header: periksa koma dan tanda kutip.")),
    "extra-cell": (N_("Baris kelebihan sel."),
                   N_("Jumlah sel harus sama dengan jumlah kolom header: periksa koma dan tanda kutip.")),
    "blank-row": (N_("Baris kosong."), N_("Hapus baris yang kosong.")),
    "incorrect-label": (N_("Header tidak sesuai skema."),
                        N_("Nama kolom di baris pertama CSV harus sama persis dan berurutan sama dengan skema.")),
    "missing-label": (N_("Header kekurangan kolom."), N_("Tambahkan kolom yang ada di skema ke header CSV.")),
    "extra-label": (N_("Header kelebihan kolom."), N_("Hapus kolom itu atau tambahkan ke skema.")),
    "duplicate-label": (N_("Nama kolom ganda."), N_("Setiap nama kolom di header harus unik.")),
    "blank-label": (N_("Nama kolom kosong."), N_("Beri nama pada setiap kolom header.")),
    "encoding-error": (N_("Berkas bukan UTF-8."), N_("Simpan berkas sebagai CSV UTF-8.")),
    "scheme-error": (N_("Berkas data tidak dapat dibuka."), N_("Periksa path berkas di datapackage.json.")),
    "portal-metadata": (N_("Metadata tidak lengkap atau tidak dikenal."),
                        N_("Lengkapi datapackage.json sesuai profil metadata (README) dan id di metadata/*.yaml.")),
    "portal-synonyms": (N_("Daftar sinonim pencarian tidak sah."),
                        N_("Tulis metadata/synonyms.yaml sebagai daftar kelompok, satu kelompok per baris, misalnya "
                           "- [keluhan, pengaduan, aduan]; satu kata hanya di satu kelompok.")),
    "portal-license": (N_("Lisensi tidak dapat dikenali."),
                       N_("Tulis name berupa id di metadata/licenses.yaml (huruf besar atau kecil sama saja) atau path "
                          "berupa URL lisensinya. Untuk lisensi lain, tambahkan entri ke metadata/licenses.yaml dengan "
                          "id, title, url, open dan ckan_id.")),
    "portal-placeholder": (N_("Isian masih berupa teks pengganti (ISI)."),
                           N_("Ganti teks ISI yang ditulis `portal new` dengan isi sebenarnya (lihat README, "
                              "bagian Menambahkan dataset).")),
    "portal-query": (N_("Contoh kueri tidak dapat dijalankan."),
                     N_("Perbaiki SQL contoh kueri: satu SELECT atas nama tabel portal, dengan nama kueri yang unik.")),
    "portal-view": (N_("Grafik yang dideklarasikan tidak sah."),
                    N_("Periksa views: type bar atau line, x dan y kolom tabel ini, aggregate sum/avg/min/max/count.")),
    "portal-map": (N_("Peta per wilayah yang dideklarasikan tidak sah."),
                   N_("Periksa map: measure kolom angka tabel ini, aggregate sum/mean/count, classes 3 sampai 7, "
                      "classification quantile atau equal, period latest atau all; atau tulis \"map\": false.")),
    "portal-integrity": (N_("Rilis gagal diperiksa."), N_("Terbitkan ulang; bila berulang, laporkan ke pengelola portal.")),
    "portal-name": (N_("Nama tidak sah."),
                    N_("Nama paket: huruf kecil, angka, tanda minus, sama dengan nama folder. Nama tabel dan "
                       "kolom: huruf kecil, angka, garis bawah.")),
    "portal-duplicate-resource": (N_("Nama tabel sudah dipakai paket lain."),
                                  N_("Ganti nama resource agar unik di seluruh portal.")),
    "portal-foreign-key": (N_("Rujukan ke paket lain tidak dapat diperiksa."),
                           N_("Pastikan paket, tabel dan kolom rujukan ada dan paket rujukan valid.")),
    "portal-reference-code": (N_("Kode referensi tidak dikenal."),
                              N_("Tulis referenceCodeList sebagai <paket>/<tabel> portal ini atau sebuah URL.")),
    "portal-unsafe-path": (N_("Path berkas tidak aman."),
                           N_("Simpan data di dalam folder paket dan tulis path relatif tanpa '..' atau URL.")),
    "portal-format": (N_("Format tidak didukung."), N_("Terbitkan data sebagai berkas CSV.")),
    "portal-encoding": (N_("Pengodean tidak didukung."), N_("Simpan berkas sebagai UTF-8.")),
    "portal-schema": (N_("Skema tidak ada."), N_("Tambahkan Table Schema dengan daftar kolom di resource.")),
    "portal-descriptor-syntax": (N_("datapackage.json atau datapackage.yaml tidak dapat dibaca."),
                                 N_("Perbaiki sintaks JSON/YAML: satu objek {...}, tanpa alias YAML, tidak bersarang "
                                    "terlalu dalam.")),
    "portal-descriptor": (N_("Struktur datapackage.json tidak sah."),
                          N_("Tulis resource, schema, fields, kunci dan dialect sebagai objek dan daftar seperti di "
                             "spesifikasi Data Package, langsung di dalam berkas (bukan path atau URL).")),
    "portal-unsafe-url": (N_("Tautan tidak aman."),
                          N_("Gunakan tautan http://, https:// atau mailto:, atau path relatif tanpa ':'.")),
    "portal-compression": (N_("Berkas terkompresi tidak diterima."),
                           N_("Ekstrak berkasnya dan terbitkan CSV biasa (bukan .gz atau .zip).")),
    "portal-nul-byte": (N_("Berkas memuat byte NUL."),
                        N_("Berkas bukan CSV teks: ekspor ulang sebagai CSV UTF-8.")),
    "portal-file-too-large": (N_("Berkas melebihi batas ukuran."),
                              N_("Pecah data menjadi beberapa tabel atau berkas yang lebih kecil.")),
    "portal-line-too-long": (N_("Baris terlalu panjang."),
                             N_("Periksa tanda kutip dan akhir baris; satu baris CSV tidak boleh sebesar itu.")),
    "portal-cell-too-large": (N_("Sel terlalu besar."),
                              N_("Simpan teks atau berkas besar di luar tabel dan tautkan saja.")),
    "portal-value-range": (N_("Angka di luar jangkauan SQLite."),
                           N_("Bilangan bulat harus di antara -9223372036854775808 dan 9223372036854775807; "
                              "simpan kode panjang sebagai string.")),
    "portal-too-many-columns": (N_("Kolom terlalu banyak."),
                                N_("Ubah tabel lebar menjadi tabel panjang (satu baris per pengamatan).")),
    "portal-formula-cell": (N_("Peringatan: sel tampak seperti rumus spreadsheet."),
                            N_("Paket tetap diterbitkan; unduhan Excel menampilkan sel ini sebagai teks (diawali '). "
                               "Periksa apakah nilainya memang dimaksudkan begitu.")),
    "portal-geometry": (N_("Berkas geometri (GeoJSON) tidak sah."),
                        N_("Simpan batas wilayah sebagai FeatureCollection GeoJSON: satu Feature Polygon atau "
                           "MultiPolygon [bujur, lintang] per baris tabel, dengan kode wilayahnya di properties.")),
    "portal-geometry-invalid": (N_("Geometri tidak valid."),
                                N_("Perbaiki poligon (misalnya shapely.make_valid atau QGIS Fix geometries), atau "
                                   "tulis \"repair\": true di geometry resource agar portal memperbaikinya untuk "
                                   "unduhan dan menyebutkannya.")),
    "portal-geometry-repaired": (N_("Peringatan: geometri tidak valid di sumber, diperbaiki untuk unduhan."),
                                 N_("Paket tetap diterbitkan; sebutkan perbaikan ini di deskripsi dataset.")),
    "portal-geometry-code": (N_("Kode wilayah geometri tidak cocok dengan tabelnya."),
                             N_("Setiap baris tabel perlu tepat satu poligon dengan kode yang sama, dan kode itu harus "
                                "ada di tabel kode wilayah yang dirujuk.")),
    "portal-two-descriptors": (N_("Dua deskriptor paket dalam satu folder."),
                               N_("Hapus salah satunya (datapackage.json atau datapackage.yaml): portal tidak memilihkan.")),
    "field-error": (N_("Definisi kolom di skema tidak valid."),
                    N_("Perbaiki kolom yang disebut: tipe dan format harus yang dikenal Table Schema (mis. tanggal: "
                       "\"type\": \"date\", \"format\": \"%d/%m/%Y\").")),
    "package-error": (N_("Deskriptor paket tidak valid menurut frictionless."),
                      N_("Perbaiki properti yang disebut di datapackage.json sesuai spesifikasi Data Package.")),
    "resource-error": (N_("Resource tidak valid menurut frictionless."),
                       N_("Perbaiki properti resource yang disebut (mis. setiap lisensi perlu name atau path, title "
                          "berupa teks).")),
    "schema-error": (N_("Skema tabel tidak valid."),
                     N_("Perbaiki primaryKey, foreignKeys atau missingValues di skema sesuai Table Schema.")),
    "control-error": (N_("Dialek CSV tidak valid."),
                      N_("Perbaiki dialect: delimiter dan quoteChar satu karakter, doubleQuote true atau false.")),
    "unique-error": (N_("Nilai ganda di kolom unik."),
                     N_("Setiap nilai di kolom ini harus unik: hapus atau perbaiki baris gandanya.")),
    "source-error": (N_("Isi berkas data tidak didukung."), N_("Ekspor ulang berkas sebagai CSV UTF-8 biasa.")),
    "format-error": (N_("Berkas data tidak dapat diurai."),
                     N_("Pastikan berkasnya benar-benar CSV (bukan Excel) dan tanda kutipnya berpasangan.")),
    "portal-disk-full": (N_("Disk penuh."),
                         N_("Kosongkan ruang disk, lalu jalankan perintahnya lagi. Yang sedang tayang tetap tayang; "
                            "yang setengah ditulis sudah dihapus.")),
    "portal-internal-error": (N_("Paket ini menghentikan penerbitan karena kesalahan di portal."),
                              N_("Paket lain tetap diterbitkan. Laporkan pesan di bawah kepada pengelola portal, "
                                 "dengan berkas paketnya.")),
}
DEFAULT_HINT = (N_("Masalah pada paket data."), N_("Baca pesannya dan perbaiki berkas yang disebut."))


@dataclass
class IssueGroup:
    file: str
    field: str | None
    code: str
    summary: str  # Indonesian, translatable
    hint: str
    messages_en: list[str] = field(default_factory=list)  # frictionless' original messages, first few
    examples: list[Issue] = field(default_factory=list)
    count: int = 0

    @property
    def in_descriptor(self) -> bool:
        """The field names a metadata property (never to be called a column), not a data file's column; in a
        GeoJSON file (geometry.py), a JSON path such as features[3].properties.kode."""
        path = PurePath(self.file)
        return path.name in DESCRIPTOR_NAMES or path.suffix.lower() in (".geojson", ".json")


def group_issues(issues: list[Issue]) -> list[IssueGroup]:
    """One group per file, column and error code, in the order first met."""
    groups: dict[tuple, IssueGroup] = {}
    for issue in issues:
        key = (issue.file, issue.field, issue.code)
        if key not in groups:
            summary, hint = HINTS.get(issue.code, DEFAULT_HINT)
            groups[key] = IssueGroup(issue.file, issue.field, issue.code, summary, hint)
        group = groups[key]
        group.count += 1
        if len(group.examples) < EXAMPLES_PER_GROUP:
            group.examples.append(issue)
            group.messages_en.append(issue.message)
    return list(groups.values())
