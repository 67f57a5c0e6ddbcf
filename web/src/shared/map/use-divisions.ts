import { useEffect, useState } from 'react';
import { errorMessage } from '../api';
import { loadDivisions, type DivisionCollection } from './geo';

/** Loads the divisions of one level once; `error` is a readable message in the UI language. */
export function useDivisions(level = 'district'): { data: DivisionCollection | null; error: string | null } {
  const [data, setData] = useState<DivisionCollection | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadDivisions(level).then(
      (d) => live && setData(d),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [level]);
  return { data, error };
}
