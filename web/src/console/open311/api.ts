/** The administrators' Open311 configuration API (server/src/modules/open311/open311.schema.ts). */
import { api } from '../../shared/api';

export const DATATYPES = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type Datatype = (typeof DATATYPES)[number];
export type ServiceType = 'realtime' | 'batch';

/** A category and whether Open311 serves it (active, without active children). */
export interface ServiceListItem {
  code: string;
  parentCode: string | null;
  kind: 'component' | 'event' | 'hotline';
  nameZh: string;
  nameEn: string | null;
  exposed: boolean;
  reason: 'inactive' | 'group' | null;
  type: ServiceType;
  attributeCount: number;
}

export interface AttributeValue {
  key: string;
  name: string;
}

export interface Attribute {
  code: string;
  variable: boolean;
  datatype: Datatype;
  required: boolean;
  datatypeDescription: string | null;
  order: number;
  description: string;
  values: AttributeValue[];
}

export interface ServiceConfig {
  code: string;
  name: string;
  type: ServiceType;
  description?: string | null;
  keywords?: string | null;
  serviceNotice?: string | null;
  attributes: Attribute[];
}

export type ServiceConfigInput = Omit<ServiceConfig, 'code' | 'name'>;

const base = '/api/v1/open311/services';
const id = (s: string) => encodeURIComponent(s);

export const open311Api = {
  services: () => api.get<{ items: ServiceListItem[] }>(base).then((r) => r.items),
  config: (code: string) => api.get<ServiceConfig>(`${base}/${id(code)}`),
  save: (code: string, input: ServiceConfigInput) => api.put<ServiceConfig>(`${base}/${id(code)}`, input),
};
