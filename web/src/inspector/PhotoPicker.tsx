/**
 * Photos taken on site, kept on the device as blobs (they travel in the outbox and are uploaded when sent). The
 * camera input opens the rear camera on phones; the album one is for a photo already taken.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export const MAX_PHOTOS = 4;

export function PhotoPicker({ photos, onChange }: { photos: File[]; onChange: (photos: File[]) => void }) {
  const { t } = useTranslation();
  const camera = useRef<HTMLInputElement>(null);
  const album = useRef<HTMLInputElement>(null);
  const [urls, setUrls] = useState<string[]>([]);
  useEffect(() => {
    const made = photos.map((p) => URL.createObjectURL(p));
    setUrls(made);
    return () => made.forEach((u) => URL.revokeObjectURL(u));
  }, [photos]);
  const add = (files: FileList | null) => {
    if (files) onChange([...photos, ...Array.from(files)].slice(0, MAX_PHOTOS));
  };
  const full = photos.length >= MAX_PHOTOS;
  return (
    <fieldset className="ip-photos">
      <legend>{t('inspector.photo.legend', { n: photos.length, max: MAX_PHOTOS })}</legend>
      <div className="ip-row">
        <button type="button" className="ip-button ip-button-primary" disabled={full} onClick={() => camera.current?.click()} data-testid="photo-camera">
          {t('inspector.photo.take')}
        </button>
        <button type="button" className="ip-button" disabled={full} onClick={() => album.current?.click()} data-testid="photo-choose">
          {t('inspector.photo.choose')}
        </button>
      </div>
      <input
        ref={camera}
        className="ip-file"
        type="file"
        accept="image/*"
        capture="environment"
        tabIndex={-1}
        aria-label={t('inspector.photo.take')}
        data-testid="photo-input-camera"
        onChange={(e) => {
          add(e.target.files);
          e.target.value = '';
        }}
      />
      <input
        ref={album}
        className="ip-file"
        type="file"
        accept="image/*"
        multiple
        tabIndex={-1}
        aria-label={t('inspector.photo.choose')}
        data-testid="photo-input"
        onChange={(e) => {
          add(e.target.files);
          e.target.value = '';
        }}
      />
      {photos.length > 0 && (
        <ul className="ip-thumbs">
          {photos.map((p, i) => (
            <li key={`${p.name}-${i}`} data-testid="photo-item">
              {urls[i] && <img src={urls[i]} alt={t('inspector.photo.alt', { n: i + 1 })} />}
              <button type="button" className="ip-link" onClick={() => onChange(photos.filter((_, k) => k !== i))}>
                {t('inspector.photo.remove', { n: i + 1 })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}
