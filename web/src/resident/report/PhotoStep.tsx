/**
 * Step 1: up to three photos, taken with the camera or chosen from the album. Each is uploaded as soon as it is
 * chosen (POST /api/v1/attachments), previewed from the local file, and removable; the server's 413/415 answer is
 * shown beside the photo in the resident's language. The step can be skipped.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { residentMessage, uploadPhoto } from './http';
import { MAX_PHOTOS } from './model';

export interface PhotoItem {
  key: string;
  name: string;
  preview: string;
  state: 'uploading' | 'done' | 'error';
  id?: string;
  error?: string;
}

let seq = 0;

export function PhotoStep({
  photos,
  setPhotos,
  jurisdictionId,
}: {
  photos: PhotoItem[];
  setPhotos: (f: (p: PhotoItem[]) => PhotoItem[]) => void;
  jurisdictionId: string | null;
}) {
  const { t } = useTranslation();
  const camera = useRef<HTMLInputElement>(null);
  const album = useRef<HTMLInputElement>(null);
  const kept = photos.filter((p) => p.state !== 'error').length;
  const room = MAX_PHOTOS - kept;

  // Object URLs are released when the flow goes away.
  const latest = useRef(photos);
  latest.current = photos;
  useEffect(() => () => latest.current.forEach((p) => URL.revokeObjectURL(p.preview)), []);

  const add = (files: FileList | null) => {
    if (!files) return;
    const chosen = Array.from(files).slice(0, Math.max(0, room));
    for (const file of chosen) {
      const key = `p${++seq}`;
      setPhotos((ps) => [...ps, { key, name: file.name, preview: URL.createObjectURL(file), state: 'uploading' }]);
      uploadPhoto(file, jurisdictionId).then(
        (r) => setPhotos((ps) => ps.map((p) => (p.key === key ? { ...p, state: 'done', id: r.id } : p))),
        (err: unknown) => setPhotos((ps) => ps.map((p) => (p.key === key ? { ...p, state: 'error', error: residentMessage(err) } : p))),
      );
    }
  };

  const remove = (key: string) =>
    setPhotos((ps) => {
      const gone = ps.find((p) => p.key === key);
      if (gone) URL.revokeObjectURL(gone.preview);
      return ps.filter((p) => p.key !== key);
    });

  return (
    <div className="rr-step-body">
      <p className="r-muted">{t('residentReport.photo.hint', { max: MAX_PHOTOS })}</p>
      <div className="rr-photo-buttons">
        <button type="button" className="r-button r-button-secondary" disabled={room <= 0} onClick={() => camera.current?.click()} data-testid="photo-camera">
          {t('residentReport.photo.take')}
        </button>
        <button type="button" className="r-button r-button-secondary" disabled={room <= 0} onClick={() => album.current?.click()} data-testid="photo-choose">
          {t('residentReport.photo.choose')}
        </button>
        {/* The real inputs: the camera one opens the rear camera on phones, the album one allows several files. */}
        <input
          ref={camera}
          className="rr-file"
          type="file"
          accept="image/*"
          capture="environment"
          aria-label={t('residentReport.photo.take')}
          tabIndex={-1}
          data-testid="photo-input-camera"
          onChange={(e) => {
            add(e.target.files);
            e.target.value = '';
          }}
        />
        <input
          ref={album}
          className="rr-file"
          type="file"
          accept="image/*"
          multiple
          aria-label={t('residentReport.photo.choose')}
          tabIndex={-1}
          data-testid="photo-input"
          onChange={(e) => {
            add(e.target.files);
            e.target.value = '';
          }}
        />
      </div>
      <p className="r-notice" aria-live="polite">
        {room <= 0 ? t('residentReport.photo.full', { max: MAX_PHOTOS }) : t('residentReport.photo.count', { n: kept, max: MAX_PHOTOS })}
      </p>
      {photos.length > 0 && (
        <ul className="rr-photos" aria-label={t('residentReport.photo.listLabel')}>
          {photos.map((p, i) => (
            <li key={p.key} className={`rr-photo rr-photo-${p.state}`} data-testid="photo-item" data-state={p.state}>
              {p.state !== 'error' && <img src={p.preview} alt={t('residentReport.photo.alt', { n: i + 1 })} />}
              <span className="rr-photo-state" role={p.state === 'error' ? 'alert' : undefined}>
                {p.state === 'uploading' ? t('residentReport.photo.uploading') : p.state === 'done' ? t('residentReport.photo.uploaded') : p.error}
              </span>
              <button type="button" className="r-button r-button-plain" onClick={() => remove(p.key)} data-testid="photo-remove">
                {t('residentReport.photo.remove', { n: i + 1 })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
