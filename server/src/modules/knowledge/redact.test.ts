import { describe, expect, it } from 'vitest';
import { PLACEHOLDER, redactPersonalData } from './redact.js';

const { id: ID, phone: PHONE, name: NAME, email: EMAIL } = PLACEHOLDER;

describe('redactPersonalData', () => {
  it('removes mobile numbers in the usual spellings', () => {
    expect(redactPersonalData('联系我13912345678谢谢')).toBe(`联系我${PHONE}谢谢`);
    expect(redactPersonalData('电话 139-1234-5678。')).toBe(`电话 ${PHONE}。`);
    expect(redactPersonalData('+86 139 1234 5678')).toBe(PHONE);
    // Not a mobile: too many digits (an ID or card number instead), or starting 12.
    expect(redactPersonalData('编号12912345678')).toBe('编号12912345678');
  });

  it('removes ID card numbers (18 with X, 15) and card-length digit runs before looking for phones', () => {
    expect(redactPersonalData('身份证号61250119800101123X，')).toBe(`身份证号${ID}，`);
    expect(redactPersonalData('身份证612501198001011234')).toBe(`身份证${ID}`);
    expect(redactPersonalData('旧证612501800101123')).toBe(`旧证${ID}`);
    expect(redactPersonalData('卡号6222021234567890123')).toBe(`卡号${ID}`);
  });

  it('removes landlines with an area code and numbers after 电话/微信, in letters only', () => {
    expect(redactPersonalData('我家电话0914-2338613')).toBe(`我家电话${PHONE}`);
    expect(redactPersonalData('(029)88886666')).toBe(PHONE);
    expect(redactPersonalData('微信：wx 联系电话：2338613')).toBe(`微信：wx 联系电话：${PHONE}`);
    // Dates and amounts are not phones.
    expect(redactPersonalData('2022年5月10日借款20000000元')).toBe('2022年5月10日借款20000000元');
    // Replies keep the agencies' service numbers.
    const reply = '请向市医保局咨询，联系电话：0914-2338613。';
    expect(redactPersonalData(reply, { landlines: false })).toBe(reply);
    expect(redactPersonalData('回复：请拨打13912345678', { landlines: false })).toBe(`回复：请拨打${PHONE}`);
  });

  it('removes e-mail addresses', () => {
    expect(redactPersonalData('邮箱zhang.san@example.com')).toBe(`邮箱${EMAIL}`);
  });

  it('removes names introduced by 我叫 / 姓名 up to where the name ends', () => {
    expect(redactPersonalData('我叫李爱珍，女，现年63岁')).toBe(`我叫${NAME}，女，现年63岁`);
    expect(redactPersonalData('我叫胡方勇，家住柞水县')).toBe(`我叫${NAME}，家住柞水县`);
    expect(redactPersonalData('我叫贺冬冬电话13312345678')).toBe(`我叫${NAME}电话${PHONE}`);
    expect(redactPersonalData('我叫雷丹荔现户口所在地')).toBe(`我叫${NAME}现户口所在地`);
    expect(redactPersonalData('我叫杨鑫，家住永丰镇')).toBe(`我叫${NAME}，家住永丰镇`);
    expect(redactPersonalData('姓名 周刚娃   男')).toBe(`姓名 ${NAME}   男`);
    expect(redactPersonalData('姓名：欧阳娜娜，')).toBe(`姓名：${NAME}，`);
    // Nothing marks the end: three characters go (one of the place with them), never fewer.
    expect(redactPersonalData('我叫陈佳洛南县古城人')).toBe(`我叫${NAME}南县古城人`);
  });

  it('removes names after 本人 only when a surname starts them and something ends them', () => {
    expect(redactPersonalData('本人张三，男，身份证')).toBe(`本人${NAME}，男，身份证`);
    expect(redactPersonalData('本人王小明在商州区工作')).toBe(`本人${NAME}在商州区工作`);
    for (const plain of ['本人于2020年退休', '本人及直系亲属落户', '本人向登记机关申请', '本人何时能领取', '本人身份证、户口本', '本人长期在外地务工']) {
      expect(redactPersonalData(plain)).toBe(plain);
    }
  });

  it('is idempotent and leaves ordinary text alone', () => {
    const letter = '我叫李爱珍，电话13912345678，身份证61250119800101123X。洛南县东风砖厂的路何时硬化？';
    const once = redactPersonalData(letter);
    expect(once).toBe(`我叫${NAME}，电话${PHONE}，身份证${ID}。洛南县东风砖厂的路何时硬化？`);
    expect(redactPersonalData(once)).toBe(once);
    const plain = '商洛市2021年度进出口数据何时公开？请市商务局答复。';
    expect(redactPersonalData(plain)).toBe(plain);
  });
});
