import { GlobalOutlined } from '@ant-design/icons';
import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { currentLanguage, setLanguage } from '../shared/i18n';

/** Switches between 中文 and English; the choice is remembered (localStorage). */
export function LanguageSwitch({ type = 'text' }: { type?: 'text' | 'default' }) {
  const { t } = useTranslation();
  const next = currentLanguage() === 'en' ? 'zh-CN' : 'en';
  return (
    <Button type={type} icon={<GlobalOutlined />} lang={next} data-testid="language-switch" onClick={() => void setLanguage(next)}>
      {t('common.switchLanguage')}
    </Button>
  );
}
